/**
 * The program: registers the commands (every one, or only the one a run invokes) and is the
 * single exit point that maps errors to output and exit codes.
 */
import { Command, CommanderError } from "commander";
import { CliContext, globalOptionsHelp, hoistGlobalOptions, type CliIo } from "./commands/_shared.js";
import { commandsFor } from "./commands/index.js";
import { DataError, InternalError, SddError, UsageError } from "./core/errors.js";
import { loadOutputPrefs } from "./core/store/output-prefs.js";
import { envelope, errorPayload } from "./ui/envelope.js";
import type { Prompter } from "./ui/prompts.js";
import { VERSION } from "./version.js";

/**
 * The program with its commands registered: every command, or, given the (hoisted)
 * arguments of a run, only what that run needs (see commandsFor).
 */
export async function buildProgram(
  ctx: CliContext,
  output: { json: boolean; captured: string[] } = { json: false, captured: [] },
  argv?: readonly string[],
): Promise<Command> {
  const program = new Command("sdd")
    .description("Spec-driven development tracker: validate specs, update task status safely, gate journaling, render the work-item log.")
    .version(VERSION, "-V, --version")
    // Program options only before the command: complete-task has its own --version.
    .enablePositionalOptions()
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      // With --json, help and version text go into the JSON document instead.
      writeOut: (s) => (output.json ? output.captured.push(s) : ctx.io.stdout(s)),
      // Help shown for a missing command goes to stderr; error messages are ours (one format, JSON-aware).
      writeErr: (s) => (output.json ? undefined : ctx.io.stderr(s)),
      outputError: () => undefined,
    });
  program.addHelpText("after", () => globalOptionsHelp(program));
  program.hook("preAction", (_this, action) => {
    ctx.commandName = commandPath(action);
  });
  const registers = await Promise.all(commandsFor(argv).map((c) => c.load()));
  for (const register of registers) register(program, ctx);
  return program;
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null && c.parent !== null; c = c.parent) names.unshift(c.name());
  return names.join(" ") || "sdd";
}

export function wantsJson(args: readonly string[], cwd?: string): boolean {
  if (args.some((a, i) => a === "--json" || a === "--compat" || a === "--format=json" || (a === "--format" && args[i + 1] === "json")))
    return true;
  if (cwd === undefined || args.some((a) => a === "--no-json" || a === "--format" || a.startsWith("--format="))) return false;
  // The config may make JSON the default; then a usage error is reported as JSON too.
  return loadOutputPrefs(cwd).defaultJson;
}

/** Run the CLI; returns the exit code. Never throws. */
export async function run(args: string[], io: CliIo, prompter?: Prompter): Promise<number> {
  const ctx = new CliContext(io, prompter);
  ctx.runner = {
    run: (a, runIo) => run(a, runIo),
    program: () => buildProgram(new CliContext({ ...io, stdout: () => undefined, stderr: () => undefined })),
  };
  const argv = hoistGlobalOptions(args);
  const json = wantsJson(args, io.cwd);
  // Help and version go into JSON only when JSON was asked for on the command line.
  const output = { json: wantsJson(args), captured: [] as string[] };
  const program = await buildProgram(ctx, output, argv);
  // Known before parsing, so a usage error is reported under the command's name too.
  const named = argv.find((a) => !a.startsWith("-"));
  if (named !== undefined && program.commands.some((c) => c.name() === named)) ctx.commandName = named;
  const asksHelpOrVersion = argv.some((a) => a === "-h" || a === "--help" || a === "-V" || a === "--version");
  if (named === undefined && !asksHelpOrVersion && argv.length > 0) {
    // Only global options: say so, rather than that they are unknown.
    return reportError(ctx, new UsageError("no command given", { fix: "sdd --help" }), json);
  }
  const group = program.commands.find((c) => c.name() === named && c.commands.length > 0);
  if (group !== undefined && !asksHelpOrVersion && argv.length > 1 && argv.filter((a) => !a.startsWith("-")).length === 1) {
    // A group with only global options (`sdd log --json`): its subcommand is what is missing.
    return reportError(ctx, new UsageError(`no ${group.name()} subcommand given`, { fix: `sdd ${group.name()} --help` }), json);
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return ctx.exitCode;
  } catch (caught) {
    if (caught instanceof CommanderError) {
      if (caught.exitCode === 0 || caught.code === "commander.helpDisplayed" || caught.code === "commander.version") {
        if (output.json) {
          const text = output.captured.join("").trimEnd();
          const key = caught.code === "commander.version" ? { version: text } : { help: text };
          io.stdout(JSON.stringify(envelope(ctx.commandName, 0, key)) + "\n");
        }
        return 0;
      }
      if (caught.code === "commander.help") {
        // No command (or no subcommand) was given: the help went to stderr.
        return reportError(
          ctx,
          new UsageError("no command given", { fix: `sdd ${ctx.commandName === "sdd" ? "" : ctx.commandName + " "}--help` }),
          json,
        );
      }
      const message = caught.message.replace(/^error: /, "");
      return reportError(
        ctx,
        new UsageError(message, { fix: `sdd ${ctx.commandName === "sdd" ? "" : ctx.commandName + " "}--help` }),
        json,
      );
    }
    const err =
      caught instanceof SddError
        ? caught
        : (osError(caught) ?? new InternalError(caught instanceof Error ? caught.message : String(caught), { cause: caught }));
    if (!(caught instanceof SddError) && io.env.SDD_DEBUG) io.stderr(`${(caught as Error).stack ?? String(caught)}\n`);
    return reportError(ctx, err, ctx.format === "json" || json);
  }
}

function reportError(ctx: CliContext, err: SddError, json: boolean): number {
  if (json) {
    ctx.io.stdout(JSON.stringify(envelope(ctx.commandName, err.exitCode, errorPayload(err))) + "\n");
  } else {
    const style = ctx.style();
    ctx.io.stderr(`${style.red("error")}: ${err.message}\n`);
    if (err.fix !== undefined) ctx.io.stderr(`  fix: ${err.fix}\n`);
  }
  return err.exitCode;
}

/**
 * An operating-system error that no step turned into a user error (a folder made
 * read-only, a file that vanished mid-command): exit 4 naming the file, not "a bug in sdd".
 */
function osError(caught: unknown): SddError | undefined {
  const e = caught as NodeJS.ErrnoException | undefined;
  if (!(e instanceof Error) || typeof e.code !== "string" || !/^E[A-Z0-9]+$/.test(e.code)) return undefined;
  const file = typeof e.path === "string" ? e.path : undefined;
  const destPath = (e as { dest?: unknown }).dest;
  const dest = typeof destPath === "string" ? ` -> ${destPath}` : "";
  const what = /^[A-Z0-9_]+: ([^,]+)/.exec(e.message)?.[1] ?? e.message;
  return new DataError(
    "io-error",
    `${file === undefined ? "" : `${file}${dest}: `}${e.syscall ?? "file operation"} failed (${e.code}: ${what})`,
    {
      ...(file === undefined ? {} : { file }),
      fix: "Check the file's permissions and the free disk space, then retry.",
    },
  );
}
