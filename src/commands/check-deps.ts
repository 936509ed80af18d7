import type { Command } from "commander";
import { ExitCode } from "../core/errors.js";
import type { DepsReport } from "../core/spec/queries.js";
import { legacyDeps } from "../ui/legacy.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("check-deps")
      .description("prerequisites of a task (or of every task): can it start, what blocks it, what it blocks")
      .argument("<spec>", "spec id or file")
      .argument("[task]", "node id (default: every task, subtask and verify node)"),
  ).action(async (spec: string, task: string | undefined, flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const { checkDeps } = await import("../core/reports/tasks.js");
    const r = checkDeps({ loc, spec, cwd: ctx.cwd, env: ctx.env, ...(task === undefined ? {} : { task }) });
    const h = r.hierarchy;
    ctx.report({
      command: "check-deps",
      exitCode: ExitCode.ok,
      payload: task !== undefined ? { spec_id: r.spec_id, ...r.reports[0] } : { spec_id: r.spec_id, tasks: r.reports },
      legacy: task !== undefined ? legacyDeps(h, r.reports[0] as DepsReport) : r.task_reports.map((d) => legacyDeps(h, d)),
      text: () =>
        r.reports.map((d) => {
          const waiting = d.blocked_by.filter((b) => b.status !== "completed");
          return `${d.task_id}: ${d.can_start ? "can start" : `waits for ${waiting.map((b) => `${b.id} [${b.status}]`).join(", ")}`}${d.blocks.length > 0 ? `; blocks ${d.blocks.map((b) => b.id).join(", ")}` : ""}`;
        }),
    });
  });
}
