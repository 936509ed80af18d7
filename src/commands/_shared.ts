/**
 * What every command shares: the global options (defined once), the context a command runs
 * in, and the one place results are rendered.
 */
import { Option, type Command } from "commander";
import { UsageError } from "../core/errors.js";
import type { Finding } from "../core/findings.js";
import { envelope } from "../ui/envelope.js";
import { formatFindingsText, formatGithub, writeStepSummary } from "../ui/findings-format.js";
import { makeStyle, type Style } from "../ui/style.js";
import { inquirerPrompter, type Prompter, type PromptGate } from "../ui/prompts.js";

export type OutputFormat = "text" | "json" | "github" | "sarif";

export interface GlobalOptions {
  json?: boolean;
  format?: OutputFormat;
  specsDir?: string;
  path?: string;
  color?: boolean;
  input?: boolean;
  lockTimeout?: string;
}

export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
}

/** What a command hands to the renderer. */
export interface Outcome {
  command: string;
  exitCode: number;
  /** Command-specific keys of the JSON envelope. */
  payload: Record<string, unknown>;
  findings?: Finding[];
  /** Human output besides the findings (which are printed first), given a style. */
  text: (style: Style) => string[];
  /** Title of the GitHub step summary, for commands that report findings. */
  summaryTitle?: string;
}

export class CliContext {
  commandName = "sdd";
  format: OutputFormat = "text";
  exitCode = 0;
  private noColor = false;

  constructor(
    readonly io: CliIo,
    /** Injected in tests; by default inquirer, loaded on first use. */
    readonly prompter: Prompter = inquirerPrompter,
  ) {}

  promptGate(flags: GlobalOptions): PromptGate {
    return { stdinIsTTY: this.io.stdinIsTTY, stdoutIsTTY: this.io.stdoutIsTTY, env: this.io.env, input: flags.input };
  }

  get cwd(): string {
    return this.io.cwd;
  }

  get env(): NodeJS.ProcessEnv {
    return this.io.env;
  }

  setGlobals(g: GlobalOptions, allowed: readonly OutputFormat[]): void {
    let format: OutputFormat = g.format ?? "text";
    if (g.json === true) format = "json";
    if (!allowed.includes(format)) {
      throw new UsageError(`--format ${format} is not available for ${this.commandName}; use one of: ${allowed.join(", ")}`);
    }
    this.format = format;
    this.noColor = g.color === false;
  }

  style(): Style {
    return makeStyle({ isTTY: this.io.stdoutIsTTY }, this.io.env, this.noColor);
  }

  report(outcome: Outcome): void {
    this.exitCode = outcome.exitCode;
    const findings = outcome.findings;
    if (this.format === "json") {
      const payload = findings === undefined ? outcome.payload : { ...outcome.payload, findings };
      this.io.stdout(JSON.stringify(envelope(outcome.command, outcome.exitCode, payload)) + "\n");
      return;
    }
    const style = this.style();
    if (findings !== undefined) {
      if (this.format === "github") {
        for (const line of formatGithub(findings)) this.io.stdout(line + "\n");
        writeStepSummary(outcome.summaryTitle ?? `sdd ${outcome.command}`, findings, this.io.env);
      } else {
        for (const line of formatFindingsText(findings, style)) this.io.stdout(line + "\n");
      }
    }
    const safe = this.io.stdoutIsTTY ? escapeControls : (l: string): string => l;
    for (const line of outcome.text(style)) this.io.stdout(safe(line) + "\n");
  }
}

/**
 * Stored text (titles, notes, journal content) printed to a terminal must not drive it: a
 * control character is shown escaped (`\x1b`), except tabs and the colour codes sdd writes.
 */
export function escapeControls(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (m) =>
    m.length > 1 ? m : `\\x${m.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

const FORMATS: readonly OutputFormat[] = ["text", "json", "github", "sarif"];

/** Add the global options to a command; they are accepted before or after the command name. */
export function withGlobalOptions(cmd: Command): Command {
  return cmd
    .option("--json", "print one JSON document (same as --format json)")
    .addOption(new Option("--format <format>", "output format").choices(FORMATS as string[]))
    .option("--specs-dir <dir>", "the specs directory (else SDD_SPECS_DIR, the config file, or specs/ or meta/sdd/specs/ found upwards)")
    .option("--path <dir>", "where to start looking for the specs directory and config (default: the working directory)")
    .option("--no-color", "never colour the output")
    .option("--no-input", "never prompt")
    .addOption(new Option("--compact").hideHelp())
    .addOption(new Option("--no-compact").hideHelp())
    .addOption(new Option("-q, --quiet").hideHelp())
    .addOption(new Option("-v, --verbose").hideHelp())
    .addOption(new Option("--debug").hideHelp());
}

/** Options that take a value, so their value is moved along with them. */
const VALUE_OPTIONS = new Set(["--format", "--specs-dir", "--path"]);
const FLAG_OPTIONS = new Set([
  "--json",
  "--no-json",
  "--no-color",
  "--no-input",
  "--compact",
  "--no-compact",
  "-q",
  "--quiet",
  "-v",
  "--verbose",
  "--debug",
]);

/**
 * Move global options written before the command name to the end, where every command
 * accepts them (the Python tool reorders argv the same way, so wrappers keep working).
 */
export function hoistGlobalOptions(args: string[]): string[] {
  const moved: string[] = [];
  let i = 0;
  while (i < args.length) {
    const a = args[i] as string;
    const name = a.includes("=") ? a.slice(0, a.indexOf("=")) : a;
    if (VALUE_OPTIONS.has(name)) {
      if (a.includes("=")) {
        moved.push(a);
        i += 1;
      } else {
        moved.push(a, ...(args[i + 1] === undefined ? [] : [args[i + 1] as string]));
        i += 2;
      }
    } else if (FLAG_OPTIONS.has(a)) {
      if (a !== "--no-json") moved.push(a);
      i += 1;
    } else break;
  }
  if (i === 0) return args;
  // Only global options: nothing to move them after.
  if (i >= args.length) return moved;
  const rest = args.slice(i);
  const dash = rest.indexOf("--");
  return dash === -1 ? [...rest, ...moved] : [...rest.slice(0, dash), ...moved, ...rest.slice(dash)];
}

/** Repeatable option values, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
