import type { Command } from "commander";
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
    const [{ openSpec }, q, { getNode }] = await Promise.all([
      import("../core/store/spec-set.js"),
      import("../core/spec/queries.js"),
      import("../core/mutations/node.js"),
    ]);
    const s = openSpec(loc, spec, ctx.cwd);
    const doc = s.loaded.value as Record<string, unknown>;
    const h = q.hierarchyOf(doc);
    if (task !== undefined) getNode(doc, task, s.ref.id, s.shown);
    const ids = task !== undefined ? [task] : Object.keys(h).filter((id) => q.isWork(h[id]));
    const reports = ids.map((id) => q.depsOf(doc, id));
    ctx.report({
      command: "check-deps",
      exitCode: 0,
      payload: task !== undefined ? { spec_id: s.ref.id, ...reports[0] } : { spec_id: s.ref.id, tasks: reports },
      // The Python tool listed type=task nodes only when no task was given.
      legacy:
        task !== undefined
          ? legacyDeps(h, reports[0] as DepsReport)
          : reports.filter((r) => (h[r.task_id] as { type?: unknown } | undefined)?.type === "task").map((r) => legacyDeps(h, r)),
      text: () =>
        reports.map((r) => {
          const waiting = r.blocked_by.filter((b) => b.status !== "completed");
          return `${r.task_id}: ${r.can_start ? "can start" : `waits for ${waiting.map((b) => `${b.id} [${b.status}]`).join(", ")}`}${r.blocks.length > 0 ? `; blocks ${r.blocks.map((b) => b.id).join(", ")}` : ""}`;
        }),
    });
  });
}
