/**
 * What every command shares: the global options (defined once), the context a command runs
 * in, and the one place results are rendered.
 */
import { Option, type Command } from "commander";
import { UsageError } from "../core/errors.js";
import type { Finding } from "../core/findings.js";
import { loadOutputPrefs } from "../core/store/output-prefs.js";
import { envelope, overlay } from "../ui/envelope.js";
import { formatFindingsText, formatGithub, writeStepSummary } from "../ui/findings-format.js";
import { makeStyle, type Style } from "../ui/style.js";
import { inquirerPrompter, type Prompter, type PromptGate } from "../ui/prompts.js";

export type OutputFormat = "text" | "json" | "github" | "sarif";

export interface GlobalOptions {
  json?: boolean;
  compat?: boolean;
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
  /**
   * What the Python tool printed for this command, under its field names: laid over the
   * envelope's payload with --json (an object), printed alone in compatibility mode (an
   * object, or the bare array the old tool printed).
   */
  legacy?: Record<string, unknown> | unknown[];
}

export class CliContext {
  commandName = "sdd";
  format: OutputFormat = "text";
  /** JSON in the Python tool's shape (--compat, or the config), not the envelope. */
  compat = false;
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
    const prefs = loadOutputPrefs(g.path === undefined ? this.cwd : g.path);
    let format: OutputFormat = g.format ?? (g.json === undefined && g.compat === undefined && prefs.defaultJson ? "json" : "text");
    if (g.json === true || g.compat === true) format = "json";
    this.compat = format === "json" && (g.compat ?? prefs.compat);
    if (!allowed.includes(format)) {
      throw new UsageError(`--format ${format} is not available for ${this.commandName}; use one of: ${allowed.join(", ")}`);
    }
    this.format = format;
    this.noColor = g.color === false;
  }

  /** A note on stderr that never mixes with the JSON on stdout (e.g. a legacy flag with no effect). */
  notice(message: string): void {
    this.io.stderr(`notice: ${message}\n`);
  }

  style(): Style {
    return makeStyle({ isTTY: this.io.stdoutIsTTY }, this.io.env, this.noColor);
  }

  report(outcome: Outcome): void {
    this.exitCode = outcome.exitCode;
    const findings = outcome.findings;
    if (this.format === "json") {
      const legacy = outcome.legacy;
      if (this.compat && legacy !== undefined) {
        this.io.stdout(JSON.stringify(legacy) + "\n");
        return;
      }
      let payload = findings === undefined ? outcome.payload : { ...outcome.payload, findings };
      if (legacy !== undefined && !Array.isArray(legacy)) payload = overlay(payload, legacy) as Record<string, unknown>;
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
    for (const line of outcome.text(style)) this.io.stdout(line + "\n");
  }
}

const FORMATS: readonly OutputFormat[] = ["text", "json", "github", "sarif"];

/** Add the global options to a command; they are accepted before or after the command name. */
export function withGlobalOptions(cmd: Command): Command {
  return cmd
    .option("--json", "print one JSON document (same as --format json)")
    .option("--no-json", "print text even when the config makes JSON the default")
    .option("--compat", "print JSON in the Python sdd's shape (its fields only, bare arrays), not the envelope (docs/migration.md)")
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
  "--compat",
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
      moved.push(a);
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
