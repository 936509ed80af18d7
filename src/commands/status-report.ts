import type { Command } from "commander";
import { ExitCode } from "../core/errors.js";
import { progressFields } from "../ui/legacy.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("status-report")
      .description("progress, phases, task counts and journaling of a spec")
      .argument("<spec>", "spec id or file"),
  ).action(async (spec: string, flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const { statusReport } = await import("../core/reports/progress.js");
    const r = statusReport({ loc, spec, cwd: ctx.cwd, env: ctx.env });
    const { overall, phases, counts, unjournaled } = r;
    ctx.report({
      command: "status-report",
      exitCode: ExitCode.ok,
      payload: {
        spec_id: r.spec_id,
        title: r.title,
        folder: r.folder,
        overall_progress: overall,
        phases,
        task_counts: counts,
        unjournaled_tasks: unjournaled.length,
        unjournaled_task_list: unjournaled,
        completion_status: {
          is_complete: overall.complete,
          percentage: overall.percentage,
          incomplete_tasks: r.incomplete,
          remaining_tasks: overall.remaining_tasks,
          can_finalize: r.can_finalize,
        },
      },
      legacy: {
        spec_id: r.spec_id,
        overall_progress: progressFields(r.spec_id, r.title, r.status, overall, r.current_phase),
        phases: phases.map((p, i) => ({
          id: p.id,
          title: p.title,
          status: r.phase_statuses[i],
          completed_tasks: p.completed_tasks,
          total_tasks: p.total_tasks,
          percentage: p.percentage,
        })),
        task_counts: counts,
        unjournaled_tasks: unjournaled.length,
        unjournaled_task_list: unjournaled.map((u) => ({
          task_id: u.node_id,
          title: u.title,
          completed_at: u.completed_at,
          parent_id: u.parent_id,
          type: u.type,
        })),
        completion_status: {
          is_complete: overall.complete,
          percentage: overall.percentage,
          incomplete_tasks: r.incomplete,
          can_finalize: r.can_finalize,
        },
      },
      text: () =>
        [
          `${r.title} (${r.spec_id}, ${r.folder ?? "?"}/)`,
          `  ${overall.completed_tasks}/${overall.total_tasks} tasks, ${overall.percentage}%  pending ${counts.pending}, in progress ${counts.in_progress}, blocked ${counts.blocked}, completed ${counts.completed}`,
          ...phases.map((p) => `  ${p.id.padEnd(12)} [${p.status}] ${p.completed_tasks}/${p.total_tasks} ${p.title}`),
          unjournaled.length === 0
            ? "  journaling: up to date"
            : `  journaling: ${unjournaled.length} completed node(s) not journaled (sdd check-journaling ${r.spec_id})`,
          r.can_finalize ? `  ready: sdd complete-spec ${r.spec_id}` : "",
        ].filter((l) => l !== ""),
    });
  });
}
