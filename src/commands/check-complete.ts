import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

interface CheckCompleteFlags extends GlobalOptions {
  phase?: string;
  task?: string;
}

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("check-complete")
      .description("exit 0 when every task, subtask and verify node (of the spec, or below --phase/--task) is completed, else 1")
      .argument("<spec>", "spec id or file")
      .option("--phase <id>", "only below this phase")
      .option("--task <id>", "only below this task"),
  ).action(async (spec: string, flags: CheckCompleteFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    if (flags.phase !== undefined && flags.task !== undefined) throw new UsageError("give --phase or --task, not both");
    const loc = await locateSpecs(ctx, flags);
    const [{ openSpec }, q, { incompleteWork }, { getNode }] = await Promise.all([
      import("../core/store/spec-set.js"),
      import("../core/spec/queries.js"),
      import("../core/spec/model.js"),
      import("../core/mutations/node.js"),
    ]);
    const s = openSpec(loc, spec, ctx.cwd);
    const doc = s.loaded.value as Record<string, unknown>;
    const nodeId = flags.phase ?? flags.task ?? "spec-root";
    getNode(doc, nodeId, s.ref.id, s.shown);
    const h = q.hierarchyOf(doc);
    const p = q.progressOf(doc, nodeId);
    const open = incompleteWork(h, nodeId).map((id) => q.summarize(h, id));
    ctx.report({
      command: "check-complete",
      exitCode: p.complete ? 0 : 1,
      payload: { spec_id: s.ref.id, ...p, is_complete: p.complete, incomplete_count: open.length, incomplete_tasks: open },
      legacy: { is_complete: p.complete, incomplete_count: open.length, incomplete_tasks: open },
      text: () =>
        p.complete
          ? [`${s.ref.id}${nodeId === "spec-root" ? "" : ` ${nodeId}`}: complete (${p.completed_tasks}/${p.total_tasks})`]
          : p.total_tasks === 0
            ? [`${s.ref.id}${nodeId === "spec-root" ? "" : ` ${nodeId}`}: not complete: it holds no work (no task, subtask or verify step)`]
            : [
                `${s.ref.id}${nodeId === "spec-root" ? "" : ` ${nodeId}`}: not complete, ${open.length} open:`,
                ...open.map((o) => `  ${o.id} [${o.status}] ${o.title}`),
              ],
    });
  });
}
