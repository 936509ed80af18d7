/**
 * Prompts, kept at the edge: inquirer is imported only when a prompt is
 * really shown, and commands receive a Prompter so tests can pass a fake.
 */
import { InterruptedError, UsageError } from "../core/errors.js";

export interface Choice {
  value: string;
  name?: string;
  description?: string;
}

export interface Prompter {
  select(options: { message: string; choices: Choice[] }): Promise<string>;
  input(options: { message: string; default?: string; validate?: (v: string) => boolean | string }): Promise<string>;
}

/** Ctrl-C at a prompt is an interruption (exit 130), not an error. */
async function interruptible<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (err) {
    if (err instanceof Error && err.name === "ExitPromptError")
      throw new InterruptedError("interrupted at the prompt; nothing was changed");
    throw err;
  }
}

export const inquirerPrompter: Prompter = {
  async select(options) {
    const { select } = await import("@inquirer/prompts");
    return interruptible(() => select({ message: options.message, choices: options.choices, pageSize: 15 }));
  },
  async input(options) {
    const { input } = await import("@inquirer/prompts");
    return interruptible(() =>
      input({
        message: options.message,
        ...(options.default === undefined ? {} : { default: options.default }),
        ...(options.validate === undefined ? {} : { validate: options.validate }),
      }),
    );
  },
};

export interface PromptGate {
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** false with --no-input. */
  input: boolean | undefined;
}

/** Prompts only on a terminal, never in CI, never with --no-input. */
export function mayPrompt(g: PromptGate): boolean {
  const ci = g.env.CI !== undefined && g.env.CI !== "" && g.env.CI !== "0" && g.env.CI !== "false";
  return g.stdinIsTTY && g.stdoutIsTTY && !ci && g.input !== false;
}

/** The value given, or a prompt for it where allowed, or a usage error (exit 2). */
export async function required(
  value: string | undefined,
  name: string,
  gate: PromptGate,
  prompter: Prompter,
  ask: (p: Prompter) => Promise<string>,
): Promise<string> {
  if (value !== undefined && value !== "") return value;
  if (!mayPrompt(gate))
    throw new UsageError(`missing required argument '${name}'`, {
      fix: "pass it on the command line (prompts appear only on a terminal, never in CI)",
    });
  return ask(prompter);
}
