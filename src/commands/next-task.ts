import type { Command } from "commander";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

function legacyNext(doc: unknown, task: { id: string; title: string; status: string }): Record<string, unknown> {
  const h = (doc as { hierarchy?: Record<string, { metadata?: Record<string, unknown> }> }).hierarchy ?? {};
  const md = h[task.id]?.metadata ?? {};
  return {
    task_id: task.id,
    title: task.title,
    status: task.status,
    file_path: md.file_path ?? "",
    estimated_hours: md.estimated_hours ?? 0,
  };
}

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
    const [{ openSpec }, q, { claimsOf }] = await Promise.all([
      import("../core/store/spec-set.js"),
      import("../core/spec/queries.js"),
      import("../core/claims/index.js"),
    ]);
    const s = openSpec(loc, spec, ctx.cwd);
    const r = q.nextTask(s.loaded.value);
    const claims = claimsOf({ specsDir: loc.specsDir, specId: s.ref.id, doc: s.loaded.value, env: ctx.env });
    // The task offered may already be claimed in another worktree: say so (sdd claim skips it).
    const heldBy = claims.find((c) => c.live && c.task_id === r.task?.id)?.agent ?? null;
    ctx.report({
      command: "next-task",
      exitCode: r.task === null ? 1 : 0,
      payload: {
        spec_id: s.ref.id,
        task_id: r.task?.id ?? null,
        title: r.task?.title ?? null,
        task: r.task,
        reason: r.reason ?? null,
        waiting: r.blocked,
        in_progress: r.in_progress,
        held_by: heldBy,
        claims,
      },
      ...(r.task === null ? {} : { legacy: legacyNext(s.loaded.value, r.task) }),
      text: () =>
        r.task !== null
          ? [
              `${r.task.id} ${r.task.title}${heldBy === null ? "" : ` (claimed by ${heldBy} in another worktree; sdd claim gives the next ready task)`}`,
            ]
          : [
              `no task available in ${s.ref.id}: ${r.reason ?? ""}`,
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
