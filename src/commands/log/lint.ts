import type { Command } from "commander";
import { summaryLine } from "../../ui/findings-format.js";
import { locateSpecs } from "../_read.js";
import { withGlobalOptions, withSeverityOption, type CliContext, type GlobalOptions } from "../_shared.js";

export function register(log: Command, ctx: CliContext): void {
  withSeverityOption(
    withGlobalOptions(
      log
        .command("lint")
        .description("lint markdown log files in place, or (with no files) every JSON work item; stable log-* codes with line numbers")
        .argument("[files...]", "markdown log files (default: the work items)"),
      { formats: ["text", "json", "github"] },
    ),
  ).action(async (files: string[], flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json", "github"]);
    const loc = await locateSpecs(ctx, flags);
    const { lintLogs } = await import("../../core/worklog/ops/lint.js");
    const r = lintLogs({ loc, cwd: ctx.cwd, files });
    ctx.report({
      command: "log lint",
      exitCode: r.exitCode,
      payload: { files: r.targets, skipped_templates: r.templates },
      findings: r.findings,
      summaryTitle: "sdd log lint",
      text: () => [
        ...r.templates.map((t) => `${t}: a template file; not linted as entries`),
        summaryLine(r.findings, files.length > 0 ? `${files.length - r.templates.length} log file(s) linted` : "work items linted"),
      ],
    });
  });
}
