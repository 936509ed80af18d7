/** Test doubles for prompts: a fake Prompter that records its questions, and an in-process terminal. */
import type { CliIo } from "../src/commands/_shared.js";
import type { Choice, Prompter } from "../src/ui/prompts.js";

export interface Asked {
  kind: "select" | "input";
  message: string;
  choices?: Choice[];
  validate?: (v: string) => boolean | string;
}

/** A Prompter that records each question and answers it with `answer`. */
export function fakePrompter(answer: (q: Asked) => string): Prompter & { asked: Asked[] } {
  const asked: Asked[] = [];
  return {
    asked,
    select(o) {
      const q: Asked = { kind: "select", message: o.message, choices: o.choices };
      asked.push(q);
      return Promise.resolve(answer(q));
    },
    input(o) {
      const q: Asked = { kind: "input", message: o.message, ...(o.validate === undefined ? {} : { validate: o.validate }) };
      asked.push(q);
      return Promise.resolve(answer(q));
    },
  };
}

export interface Captured {
  io: CliIo;
  out: () => string;
  err: () => string;
}

/** An in-process terminal: both streams TTYs, CI unset unless `env` sets it. */
export function terminal(cwd: string, over: Partial<Omit<CliIo, "stdout" | "stderr">> = {}): Captured {
  let out = "";
  let err = "";
  const io: CliIo = {
    cwd,
    env: { NO_COLOR: "1", SDD_NOW: "2026-01-02T03:04:05.000Z" },
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    stdoutIsTTY: true,
    stdinIsTTY: true,
    ...over,
  };
  return { io, out: () => out, err: () => err };
}

/** A Prompter that fails the command if it is ever asked anything; `asked` shows whether it was. */
export function refusingPrompter(): Prompter & { asked: Asked[] } {
  return fakePrompter((q) => {
    throw new Error(`prompted for "${q.message}" where no prompt may appear`);
  });
}
