/** What every writing command shares: --dry-run, --lock-timeout, and one way to report a write. */
import { Option, type Command } from "commander";
import type { Operation } from "fast-json-patch";
import type { Plan, PlanContext, TransactionResult } from "../core/store/transaction.js";
import { journaledTypesOf } from "../core/spec/model.js";
import { ExitCode, SddError, UsageError } from "../core/errors.js";
import { errorPayload } from "../ui/envelope.js";
import type { Style } from "../ui/style.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export interface MutationFlags extends GlobalOptions {
  dryRun?: boolean;
}

export function withMutationOptions(cmd: Command): Command {
  return withGlobalOptions(
    cmd
      .option("--dry-run", "show the change as a JSON Patch; write nothing")
      .addOption(new Option("--lock-timeout <duration>", "how long to wait for the spec's lock (e.g. 5s, 500ms; default 10s)")),
  );
}

export function formatPatch(patch: readonly Operation[], style: Style): string[] {
  return patch.map((op) => {
    const value = "value" in op ? " " + JSON.stringify(op.value) : "";
    const from = "from" in op ? ` from ${op.from}` : "";
    return `  ${style.dim(op.op)} ${op.path}${from}${value}`;
  });
}

/** Resolve the specs directory and run one transaction. */
export async function executeMutation<T extends object>(
  ctx: CliContext,
  flags: MutationFlags,
  command: string,
  spec: string,
  planner: (c: PlanContext, journaledTypes: ReadonlySet<string>) => Plan<T>,
  extra: { collapseDuplicateKeys?: boolean } = {},
): Promise<TransactionResult<T>> {
  ctx.setGlobals(flags, ["text", "json"]);
  const [{ findSpecsDir }, { transact }, { parseLockTimeout }] = await Promise.all([
    import("../core/store/discovery.js"),
    import("../core/store/transaction.js"),
    import("../core/store/lock.js"),
  ]);
  const loc = findSpecsDir({ cwd: ctx.cwd, specsDir: flags.specsDir, path: flags.path, env: ctx.env });
  const cfg = loc.config.config;
  return transact(
    {
      specsDir: loc.specsDir,
      spec,
      cwd: ctx.cwd,
      env: ctx.env,
      command,
      dryRun: flags.dryRun === true,
      lockTimeoutMs: parseLockTimeout(flags.lockTimeout, cfg.lockTimeoutMs),
      ...(cfg.journaledTypes === undefined ? {} : { journaledTypes: cfg.journaledTypes }),
      ...extra,
    },
    (c) => planner(c, journaledTypesOf(cfg.journaledTypes)),
  );
}

/**
 * The Python tool's fields for a command: after a write (`ok`), and when it fails
 * (`failed`, given the error), so `jq .success` reads false rather than null.
 */
export interface LegacyFields<T> {
  ok: (r: TransactionResult<T>) => Record<string, unknown>;
  failed?: (err: SddError) => Record<string, unknown>;
}

/** Run one transaction and report it. */
export async function runMutation<T extends object>(
  ctx: CliContext,
  flags: MutationFlags,
  command: string,
  spec: string,
  planner: (c: PlanContext, journaledTypes: ReadonlySet<string>) => Plan<T>,
  describe: (r: TransactionResult<T>) => string,
  legacy?: LegacyFields<T>,
): Promise<TransactionResult<T> | undefined> {
  let result: TransactionResult<T>;
  try {
    result = await executeMutation(ctx, flags, command, spec, planner);
  } catch (err) {
    // Usage errors keep their own report; a failed write reports the old fields too.
    if (ctx.format !== "json" || legacy?.failed === undefined || !(err instanceof SddError) || err instanceof UsageError) throw err;
    ctx.report({ command, exitCode: err.exitCode, payload: errorPayload(err), legacy: legacy.failed(err), text: () => [] });
    return undefined;
  }
  ctx.report({
    command,
    exitCode: ExitCode.ok,
    ...(legacy === undefined ? {} : { legacy: legacy.ok(result) }),
    payload: {
      spec_id: result.spec_id,
      file: result.file,
      changed: result.changed,
      dry_run: result.dry_run,
      ...result.result,
      rollup: result.rollup,
      patch: result.patch,
      ...(result.history_seq === undefined ? {} : { history_seq: result.history_seq }),
      ...(result.warnings === undefined ? {} : { warnings: result.warnings }),
      ...(result.moved_from === undefined ? {} : { moved_from: result.moved_from }),
    },
    text: (style) => {
      const head = describe(result);
      if (result.dry_run)
        return [
          `dry run: ${head}`,
          result.patch.length === 0 ? "  (no change)" : `would apply ${result.patch.length} operation(s):`,
          ...formatPatch(result.patch, style),
        ];
      if (!result.changed) return [`${head} (already so; nothing written)`];
      return [head, ...result.rollup.map((r) => `  ${r.id}: ${r.from} -> ${r.to} (roll-up)`)];
    },
  });
  if (ctx.format !== "json") {
    for (const w of result.warnings ?? []) ctx.io.stderr(`${ctx.style().yellow("warning")}: ${w}\n`);
  }
  return result;
}

export function defaultAuthor(env: NodeJS.ProcessEnv): string {
  return env.SDD_AUTHOR !== undefined && env.SDD_AUTHOR !== "" ? env.SDD_AUTHOR : "sdd";
}

/** Journal entry types (as the validation rule accepts them). */
export const ENTRY_TYPES = ["status_change", "deviation", "blocker", "decision", "note", "completion"] as const;

export function entryTypeOption(flag: string, description: string, fallback: string): Option {
  return new Option(flag, description).choices(ENTRY_TYPES).default(fallback);
}

/**
 * A text given inline or from a file (`-` for stdin): one argument is capped at 128 KiB by
 * the operating system, a file is not. Undefined when neither is given.
 */
export async function textOption(
  name: string,
  inline: string | undefined,
  file: string | undefined,
  cwd: string,
): Promise<string | undefined> {
  const { UsageError } = await import("../core/errors.js");
  if (inline !== undefined && file !== undefined) throw new UsageError(`give --${name} or --${name}-file, not both`);
  if (file === undefined) return inline;
  const fs = await import("node:fs");
  const path = await import("node:path");
  try {
    const text = file === "-" ? await readStdin() : fs.readFileSync(path.resolve(cwd, file), "utf8");
    return text.replace(/\r?\n$/, "");
  } catch (err) {
    throw new UsageError(`--${name}-file ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file });
  }
}

/** All of stdin (a pipe may be non-blocking, so it is read as a stream, not with readFileSync(0)). */
function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on("data", (c: Buffer) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

/** A title must say something. */
export async function requireNonEmpty(name: string, value: string | undefined): Promise<void> {
  if (value !== undefined && value.trim() === "") {
    const { UsageError } = await import("../core/errors.js");
    throw new UsageError(`--${name} is empty; give a title that says what the entry is about`);
  }
}
