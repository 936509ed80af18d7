import type { Command } from "commander";
import { ExitCode } from "../core/errors.js";
import { rawNode } from "../ui/legacy.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("task-info")
      .description("one node: its fields, recomputed counts, prerequisites and journal entries")
      .argument("<spec>", "spec id or file")
      .argument("<task>", "node id"),
  ).action(async (spec: string, task: string, flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const { taskInfo } = await import("../core/reports/tasks.js");
    const r = taskInfo({ loc, spec, task, cwd: ctx.cwd, env: ctx.env });
    const { node, progress: p, deps, journal, claim } = r;
    ctx.report({
      command: "task-info",
      exitCode: ExitCode.ok,
      payload: {
        spec_id: r.spec_id,
        id: task,
        ...node,
        progress: p,
        can_start: deps.can_start,
        prerequisites: deps.blocked_by,
        journal_entries: journal,
        claim,
        file: r.file,
        line: r.line,
      },
      legacy: { ...rawNode(node), id: task },
      text: () => [
        `${task} [${String(node.status)}] ${String(node.title)}  (${node.type}, ${r.file}:${r.line})`,
        `  parent: ${String(node.parent)}; ${p.completed_tasks}/${p.total_tasks} tasks`,
        ...Object.entries(node.metadata ?? {}).map(([k, v]) => `  ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`),
        ...deps.blocked_by.map((b) => `  blocked by ${b.id} [${b.status}]${b.via === task ? "" : ` (via ${b.via})`}`),
        `  journal entries: ${journal.length}`,
        ...(claim === null
          ? []
          : [
              `  claim: ${claim.agent} until ${claim.lease_expires_at}${claim.live ? "" : " (expired)"}${claim.recorded_in === "worktree" ? " (in another worktree)" : ""}`,
            ]),
      ],
    });
  });
}
