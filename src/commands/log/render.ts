import { existsSync, readFileSync } from "node:fs";
import { resolve, sep } from "node:path";
import type { Command } from "commander";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "../_shared.js";
import { worklog } from "./_places.js";

interface RenderFlags extends GlobalOptions {
  check?: boolean;
  output?: string;
}

export function register(log: Command, ctx: CliContext): void {
  withGlobalOptions(
    log
      .command("render")
      .description(
        "render the markdown log from the work items (deterministic); --check exits 1 and shows the difference when the file is stale",
      )
      .option("--check", "do not write; exit 1 if the log on disk differs from what would be rendered")
      .option("--output <file>", "write here instead of the configured log file"),
  ).action(async (flags: RenderFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const { loc, places, store } = await worklog(ctx, flags);
    const [{ lineDiff }, { writeFileAtomic }, { displayPath }, { DataError, FindingsError, UsageError }] = await Promise.all([
      import("../../core/worklog/text-diff.js"),
      import("../../core/store/atomic.js"),
      import("../../core/paths.js"),
      import("../../core/errors.js"),
    ]);
    const { items, unreadable } = store.readItems(places, ctx.cwd);
    const bad = unreadable[0];
    if (bad !== undefined)
      throw new DataError(bad.error.code, bad.error.message, {
        file: bad.file,
        ...(bad.error.line === undefined ? {} : { line: bad.error.line, column: bad.error.column ?? 1 }),
      });
    const invalid = items.find((i) => !i.valid);
    if (invalid !== undefined) {
      throw new FindingsError("work-item-invalid", `${invalid.shown}: not a valid work item; nothing was rendered`, {
        file: invalid.shown,
        fix: "sdd log lint",
      });
    }
    const target = flags.output !== undefined ? resolve(ctx.cwd, flags.output) : places.logFile;
    // Paths a user gives never let a write land outside the project.
    if (flags.check !== true && !resolve(target).startsWith(resolve(places.root) + sep)) {
      throw new UsageError(`--output ${flags.output ?? ""} is outside the project (${places.root}); nothing was written`, {
        code: "outside-project",
      });
    }
    const text = store.renderItems(
      loc,
      places,
      items.map((i) => i.loaded.value as never),
      ctx.cwd,
    );
    const shown = displayPath(target, ctx.cwd);
    const current = existsSync(target) ? readFileSync(target, "utf8") : undefined;
    if (flags.check === true) {
      const stale = current !== text;
      const diff = stale ? lineDiff(current ?? "", text, shown) : [];
      ctx.report({
        command: "log render",
        exitCode: stale ? 1 : 0,
        payload: { file: shown, up_to_date: !stale, items: items.length, diff },
        text: () => (stale ? [`${shown} is stale: run sdd log render`, ...diff] : [`${shown} is up to date (${items.length} items)`]),
      });
      return;
    }
    if (current !== text) writeFileAtomic(target, text);
    ctx.report({
      command: "log render",
      exitCode: 0,
      payload: { file: shown, changed: current !== text, items: items.length },
      text: () => [current === text ? `${shown} already up to date (${items.length} items)` : `rendered ${items.length} items to ${shown}`],
    });
  });
}
