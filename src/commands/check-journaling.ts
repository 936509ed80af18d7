import type { Command } from "commander";
import type { Finding } from "../core/findings.js";
import { summaryLine } from "../ui/findings-format.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, withSeverityOption, type CliContext, type GlobalOptions } from "./_shared.js";

interface CheckJournalingFlags extends GlobalOptions {
  baseline?: string;
  updateBaseline?: boolean;
  types?: string;
}

export function register(program: Command, ctx: CliContext): void {
  withSeverityOption(
    withGlobalOptions(
      program
        .command("check-journaling")
        .description("fail (exit 1) when a completed task or verify node has no journal entry since its completion")
        .argument("[specs...]", "spec ids or files (default: every spec)")
        .option(
          "--baseline <file>",
          "accepted debt: findings listed there do not fail (default: journaling-baseline.json in the specs directory, if present)",
        )
        .option("--update-baseline", "write today's findings to the baseline file and pass")
        .option("--types <list>", "comma-separated node types that need a journal (default: config journaledTypes, else task,verify)"),
      { formats: ["text", "json", "github"] },
    ),
  ).action(async (specs: string[], flags: CheckJournalingFlags) => {
    ctx.setGlobals(flags, ["text", "json", "github"]);
    const loc = await locateSpecs(ctx, flags);
    const { runCheckJournaling } = await import("../core/journaling/check.js");
    const r = runCheckJournaling({
      loc,
      specs,
      cwd: ctx.cwd,
      baseline: flags.baseline,
      updateBaseline: flags.updateBaseline === true,
      types: flags.types,
    });
    const findings: Finding[] = r.findings;
    ctx.report({
      command: "check-journaling",
      exitCode: r.exitCode,
      payload: { summary: r.summary, unjournaled: r.unjournaled, baseline: r.baseline },
      findings,
      summaryTitle: "sdd check-journaling",
      // Baselined debt passes the gate, so it is left out as the Python tool never reported it.
      legacy: r.unjournaled
        .filter((u) => u.baselined !== true)
        .map((u) => ({ task_id: u.node_id, title: u.title, completed_at: u.completed_at, parent_id: u.parent_id, type: u.type })),
      text: () => {
        const lines = [summaryLine(findings, `${r.summary.specs} spec(s) checked for journaling`)];
        if (r.summary.baselined > 0) lines.push(`${r.summary.baselined} unjournaled node(s) accepted by the baseline ${r.baseline ?? ""}`);
        if (r.baselineWritten) lines.push(`baseline written: ${r.baseline ?? ""} (${r.summary.baselined} node(s))`);
        if (findings.some((f) => f.code === "unjournaled"))
          lines.push("fix: sdd add-journal SPEC --task-id NODE --title ... --content ...   (or complete tasks with sdd complete-task)");
        return lines;
      },
    });
  });
}
