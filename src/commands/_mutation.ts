/** What every writing command shares: --dry-run, --lock-timeout, and one way to report a write. */
import { Option, type Command } from "commander";
import type { Operation } from "fast-json-patch";
import type { Plan, PlanContext, TransactionResult } from "../core/store/transaction.js";
import { journaledTypesOf } from "../core/spec/model.js";
import { SddError, UsageError } from "../core/errors.js";
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
    exitCode: 0,
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
  return result;
}

export function defaultAuthor(env: NodeJS.ProcessEnv): string {
  return env.SDD_AUTHOR !== undefined && env.SDD_AUTHOR !== "" ? env.SDD_AUTHOR : "sdd";
}
