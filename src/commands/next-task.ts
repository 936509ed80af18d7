import type { Command } from "commander";
import { exitCodeFor } from "../core/findings.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("next-task")
      .description(
        "the next task to start: pending, with every blocked_by (its own and its ancestors') completed; exit 1 and the reason when none",
      )
      .argument("<spec>", "spec id or file"),
  ).action(async (spec: string, flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const { nextTaskReport } = await import("../core/reports/tasks.js");
    const r = nextTaskReport({ loc, spec, cwd: ctx.cwd, env: ctx.env });
    const { claims, held_by: heldBy } = r;
    ctx.report({
      command: "next-task",
      exitCode: exitCodeFor({ unmet: r.task === null }),
      payload: {
        spec_id: r.spec_id,
        task_id: r.task?.id ?? null,
        title: r.task?.title ?? null,
        task: r.task,
        reason: r.reason ?? null,
        waiting: r.blocked,
        in_progress: r.in_progress,
        held_by: heldBy,
        claims,
      },
      ...(r.task === null
        ? {}
        : {
            legacy: {
              task_id: r.task.id,
              title: r.task.title,
              status: r.task.status,
              file_path: r.metadata.file_path ?? "",
              estimated_hours: r.metadata.estimated_hours ?? 0,
            },
          }),
      text: () =>
        r.task !== null
          ? [
              `${r.task.id} ${r.task.title}${heldBy === null ? "" : ` (claimed by ${heldBy} in another worktree; sdd claim gives the next ready task)`}`,
            ]
          : [
              `no task available in ${r.spec_id}: ${r.reason ?? ""}`,
              ...r.blocked
                .slice(0, 10)
                .map(
                  (b) =>
                    `  ${b.id} waits for ${b.waiting_for.map((w) => `${w.id} [${w.status}]${w.via === b.id ? "" : ` (via ${w.via})`}`).join(", ")}`,
                ),
              ...r.in_progress.slice(0, 10).map((t) => {
                const c = claims.find((x) => x.task_id === t.id && x.live);
                return `  ${t.id} is in progress${c === undefined ? "" : ` (claimed by ${c.agent})`}`;
              }),
            ],
    });
  });
}
