import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
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
    const [{ findSpecsDir, resolveSpec }, { readHistory }] = await Promise.all([
      import("../core/store/discovery.js"),
      import("../core/store/history.js"),
    ]);
    const loc = findSpecsDir({ cwd: ctx.cwd, specsDir: flags.specsDir, path: flags.path, env: ctx.env });
    const ref = resolveSpec(spec, loc.specsDir, ctx.cwd);
    let entries = readHistory(loc.specsDir, ref.id);
    if (flags.limit !== undefined) {
      const n = Number(flags.limit);
      if (!Number.isInteger(n) || n < 1)
        throw new UsageError(`--limit ${JSON.stringify(flags.limit)}: give a whole number of entries, 1 or more`);
      entries = entries.slice(-n);
    }
    ctx.report({
      command: "history",
      exitCode: 0,
      payload: { spec_id: ref.id, entries },
      text: (style) =>
        entries.length === 0
          ? [`${ref.id}: no recorded changes`]
          : entries.flatMap((e) => [
              `#${e.seq} ${e.timestamp} ${e.command}${e.moved_to === undefined ? "" : ` (moved to ${e.moved_to}/)`}`,
              ...formatPatch(e.patch, style),
            ]),
    });
  });
}
