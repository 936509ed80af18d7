import type { Command } from "commander";
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
    const [{ openSpec, journaledTypes }, q, { findUnjournaled }, { childrenOf, own, isObject, incompleteWork }] = await Promise.all([
      import("../core/store/spec-set.js"),
      import("../core/spec/queries.js"),
      import("../core/spec/journaling.js"),
      import("../core/spec/model.js"),
    ]);
    const s = openSpec(loc, spec, ctx.cwd);
    const doc = s.loaded.value;
    const h = q.hierarchyOf(doc);
    const overall = q.progressOf(doc);
    const phases = childrenOf(own(h, "spec-root"))
      .filter((id) => isObject(own(h, id)))
      .map((id) => ({ ...q.summarize(h, id), ...q.progressOf(doc, id) }));
    const counts = q.statusCounts(doc);
    const open = incompleteWork(h, "spec-root");
    const unjournaled = findUnjournaled(doc, journaledTypes(loc.config.config));
    ctx.report({
      command: "status-report",
      exitCode: 0,
      payload: {
        spec_id: s.ref.id,
        title: q.specTitle(doc),
        folder: s.ref.folder ?? null,
        overall_progress: overall,
        phases,
        task_counts: counts,
        unjournaled_tasks: unjournaled.length,
        unjournaled_task_list: unjournaled,
        completion_status: {
          is_complete: overall.complete,
          percentage: overall.percentage,
          incomplete_tasks: open,
          remaining_tasks: overall.remaining_tasks,
          can_finalize: overall.complete && unjournaled.length === 0,
        },
      },
      legacy: {
        spec_id: s.ref.id,
        overall_progress: progressFields(s.ref.id, q.specTitle(doc), q.derivedStatus(doc), overall, q.currentPhase(doc)),
        phases: phases.map((p) => ({
          id: p.id,
          title: p.title,
          status: q.derivedStatus(doc, p.id),
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
          incomplete_tasks: open,
          can_finalize: overall.complete && unjournaled.length === 0,
        },
      },
      text: () =>
        [
          `${q.specTitle(doc)} (${s.ref.id}, ${s.ref.folder ?? "?"}/)`,
          `  ${overall.completed_tasks}/${overall.total_tasks} tasks, ${overall.percentage}%  pending ${counts.pending}, in progress ${counts.in_progress}, blocked ${counts.blocked}, completed ${counts.completed}`,
          ...phases.map((p) => `  ${p.id.padEnd(12)} [${p.status}] ${p.completed_tasks}/${p.total_tasks} ${p.title}`),
          unjournaled.length === 0
            ? "  journaling: up to date"
            : `  journaling: ${unjournaled.length} completed node(s) not journaled (sdd check-journaling ${s.ref.id})`,
          overall.complete && unjournaled.length === 0 ? `  ready: sdd complete-spec ${s.ref.id}` : "",
        ].filter((l) => l !== ""),
    });
  });
}
