import type { Command } from "commander";
import { ExitCode } from "../../core/errors.js";
import { exitCodeFor } from "../../core/findings.js";
import { locateSpecs } from "../_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "../_shared.js";

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
    const loc = await locateSpecs(ctx, flags);
    const { renderLogFile } = await import("../../core/worklog/ops/render.js");
    const r = renderLogFile({
      loc,
      cwd: ctx.cwd,
      check: flags.check === true,
      ...(flags.output === undefined ? {} : { output: flags.output }),
    });
    if (r.check) {
      ctx.report({
        command: "log render",
        exitCode: exitCodeFor({ unmet: r.stale }),
        payload: { file: r.file, up_to_date: !r.stale, items: r.items, diff: r.diff },
        text: () => (r.stale ? [`${r.file} is stale: run sdd log render`, ...r.diff] : [`${r.file} is up to date (${r.items} items)`]),
      });
      return;
    }
    ctx.report({
      command: "log render",
      exitCode: ExitCode.ok,
      payload: { file: r.file, changed: r.changed, items: r.items },
      text: () => [r.changed ? `rendered ${r.items} items to ${r.file}` : `${r.file} already up to date (${r.items} items)`],
    });
  });
}
