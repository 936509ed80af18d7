import type { Command } from "commander";
import { ExitCode, UsageError } from "../core/errors.js";
import { locateSpecs } from "./_read.js";
import { formatPatch } from "./_mutation.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

interface HistoryFlags extends GlobalOptions {
  limit?: string;
}

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("history")
      .description("list the recorded changes to a spec, as JSON Patches, oldest first")
      .argument("<spec>", "spec id or file")
      .option("--limit <n>", "only the newest n entries"),
  ).action(async (spec: string, flags: HistoryFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const limit = flags.limit === undefined ? undefined : Number(flags.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
      throw new UsageError(`--limit ${JSON.stringify(flags.limit)}: give a whole number of entries, 1 or more`);
    const loc = await locateSpecs(ctx, flags);
    const { historyReport } = await import("../core/reports/tasks.js");
    const { spec_id, entries } = historyReport({ loc, spec, cwd: ctx.cwd, ...(limit === undefined ? {} : { limit }) });
    ctx.report({
      command: "history",
      exitCode: ExitCode.ok,
      payload: { spec_id, entries },
      text: (style) =>
        entries.length === 0
          ? [`${spec_id}: no recorded changes`]
          : entries.flatMap((e) => [
              `#${e.seq} ${e.timestamp} ${e.command}${e.moved_to === undefined ? "" : ` (moved to ${e.moved_to}/)`}`,
              ...formatPatch(e.patch, style),
            ]),
    });
  });
}
