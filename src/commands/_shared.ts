/**
 * What every command shares: the global options (defined once), the context a command runs
 * in, and the one place results are rendered.
 */
import { Command, Option } from "commander";
import { ExitCode, UsageError } from "../core/errors.js";
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
  minSeverity?: "error" | "warning" | "info";
}

export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
  /** Whether stderr is a terminal (progress lines go there only then). */
  stderrIsTTY?: boolean;
  /** The node binary and script of this run, when it is a process of its own. */
  self?: { node: string; script: string };
  /** Aborted on SIGINT / SIGTERM; long read-only work stops at the next file. */
  signal?: AbortSignal;
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

/**
 * The CLI itself, handed to a front end that runs its commands (the MCP server), so that
 * front end depends on no module of the CLI's. Set by cli.ts.
 */
export interface CliRunner {
  /** Run one command line, its output going to `io`; returns the exit code. */
  run: (args: string[], io: CliIo) => Promise<number>;
  /** A program with every command registered, to read their definitions from. */
  program: () => Promise<Command>;
}

export class CliContext {
  commandName = "sdd";
  format: OutputFormat = "text";
  /** JSON in the Python tool's shape (--compat, or the config), not the envelope. */
  compat = false;
  exitCode: number = ExitCode.ok;
  runner: CliRunner | undefined;
  private noColor = false;
  /** The least severe finding printed in text and GitHub output (JSON and SARIF keep all). */
  private minSeverity: "error" | "warning" | "info" | undefined;

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
    this.minSeverity = g.minSeverity;
  }

  /** Findings to print: GitHub annotations leave out info notices unless --min-severity info asks for them. */
  private shown(findings: readonly Finding[]): Finding[] {
    const min = this.minSeverity ?? (this.format === "github" ? "warning" : "info");
    const rank = { error: 2, warning: 1, info: 0 } as const;
    return findings.filter((f) => rank[f.severity] >= rank[min]);
  }

  /** A note on stderr that never mixes with the JSON on stdout (e.g. a legacy flag with no effect). */
  notice(message: string): void {
    this.io.stderr(`notice: ${message}\n`);
  }

  style(): Style {
    return makeStyle({ isTTY: this.io.stdoutIsTTY }, this.io.env, this.noColor);
  }

  /**
   * A progress reporter for long work ("validating 120/1500 specs" on stderr, rewritten in
   * place, at most ten times a second), or undefined where a line would be noise: stderr not
   * a terminal, CI, or any output but text. The line is cleared when the work is done.
   */
  progress(what: string): ((done: number, total: number) => void) | undefined {
    const ci = this.env.CI !== undefined && this.env.CI !== "" && this.env.CI !== "false" && this.env.CI !== "0";
    if (this.format !== "text" || this.io.stderrIsTTY !== true || ci) return undefined;
    let last = 0;
    return (done, total) => {
      if (done >= total) {
        this.clearProgress();
        return;
      }
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      this.io.stderr(`\r${what} ${done}/${total}\u001b[K`);
      this.progressShown = true;
    };
  }

  private progressShown = false;

  private clearProgress(): void {
    if (!this.progressShown) return;
    this.io.stderr("\r\u001b[K");
    this.progressShown = false;
  }

  report(outcome: Outcome): void {
    this.clearProgress();
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
      const shown = this.shown(findings);
      if (this.format === "github") {
        for (const line of formatGithub(shown)) this.io.stdout(line + "\n");
        writeStepSummary(outcome.summaryTitle ?? `sdd ${outcome.command}`, shown, this.io.env);
      } else {
        for (const line of formatFindingsText(shown, style)) this.io.stdout(line + "\n");
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

export const ALL_FORMATS: readonly OutputFormat[] = ["text", "json", "github", "sarif"];

/**
 * --format, listing the command's formats in help and completion. The choice is checked by
 * setGlobals, whose message names the command and its formats (commander's would not).
 */
function formatOption(formats: readonly OutputFormat[]): Option {
  const o = new Option("--format <format>", "output format");
  o.argChoices = [...formats];
  return o;
}

/** Which of the global options a command takes; the others are still accepted, but hidden from its help. */
export interface GlobalOptionSet {
  /** The output formats the command can write (default: text and json). */
  formats?: readonly OutputFormat[];
  /** Whether it reads the specs directory and the config (default: yes). */
  specs?: boolean;
}

/**
 * Add the global options to a command; they are accepted before or after the command name.
 * Its help shows only what it takes: the formats it can write, and the specs options only
 * where specs are read (elsewhere they are accepted, so wrappers passing them keep working).
 */
export function withGlobalOptions(cmd: Command, set: GlobalOptionSet = {}): Command {
  const formats = set.formats ?? ["text", "json"];
  const shown = (o: Option): Option => (set.specs === false ? o.hideHelp() : o);
  return cmd
    .option("--json", "print one JSON document (same as --format json)")
    .option("--no-json", "print text even when the config makes JSON the default")
    .option("--compat", "print JSON in the Python sdd's shape (its fields only, bare arrays), not the envelope (docs/migration.md)")
    .addOption(formatOption(formats))
    .addOption(
      shown(
        new Option(
          "--specs-dir <dir>",
          "the specs directory (else SDD_SPECS_DIR, the config file, or specs/ or meta/sdd/specs/ found upwards)",
        ),
      ),
    )
    .addOption(
      shown(new Option("--path <dir>", "where to start looking for the specs directory and config (default: the working directory)")),
    )
    .option("--no-color", "never colour the output")
    .option("--no-input", "never prompt")
    .addOption(new Option("--compact").hideHelp())
    .addOption(new Option("--no-compact").hideHelp())
    .addOption(new Option("-q, --quiet").hideHelp())
    .addOption(new Option("-v, --verbose").hideHelp())
    .addOption(new Option("--debug").hideHelp());
}

/** `--min-severity`, for the commands that print findings. */
export function withSeverityOption(cmd: Command): Command {
  return cmd.addOption(
    new Option("--min-severity <severity>", "least severe finding printed (default: info; warning with --format github)").choices([
      "error",
      "warning",
      "info",
    ]),
  );
}

/** Options that take a value, so their value is moved along with them. */
const VALUE_OPTIONS = new Set(["--format", "--specs-dir", "--path", "--min-severity"]);
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
 * Move global options written before the command name, or between a command and its first
 * argument (`sdd log --json render`: between a group and its subcommand), to the end, where
 * every command accepts them (the Python tool reorders argv the same way, so wrappers keep
 * working). Nothing after the first argument moves: there a word like `--json` may be an
 * option's value.
 */
export function hoistGlobalOptions(args: string[]): string[] {
  const moved: string[] = [];
  /** Take the run of global options starting at `i`; returns where it ends. */
  const take = (i: number): number => {
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
    return i;
  };
  const start = take(0);
  // Only global options: nothing to move them after.
  if (start >= args.length) return start === 0 ? args : moved;
  const command = args[start] as string;
  if (command === "--") return args;
  const after = take(start + 1);
  if (moved.length === 0) return args;
  const rest = args.slice(after);
  const dash = rest.indexOf("--");
  return dash === -1 ? [command, ...rest, ...moved] : [command, ...rest.slice(0, dash), ...moved, ...rest.slice(dash)];
}

/** The global options, as help lists them under the program (every command takes them). */
export function globalOptionsHelp(program: Command): string {
  const probe = withGlobalOptions(new Command("probe"), { formats: ALL_FORMATS });
  const help = program.createHelp();
  const options = probe.options.filter((o) => !o.hidden);
  const width = Math.max(...options.map((o) => help.optionTerm(o).length));
  const lines = options.map((o) => {
    const term = help.optionTerm(o);
    const description =
      o.long === "--format" ? "output format: text, json, and for some commands github or sarif (see each command's help)" : o.description;
    return `  ${term.padEnd(width)}  ${description}`;
  });
  return `\nGlobal options (every command takes them, before or after its name):\n${lines.join("\n")}\n`;
}

/** Repeatable option values, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
