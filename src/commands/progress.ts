import type { Command } from "commander";
import { progressFields } from "../ui/legacy.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program.command("progress").description("progress of a spec, recomputed from its tasks").argument("<spec>", "spec id or file"),
  ).action(async (spec: string, flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const [{ openSpec }, q, { claimsOf }] = await Promise.all([
      import("../core/store/spec-set.js"),
      import("../core/spec/queries.js"),
      import("../core/claims/index.js"),
    ]);
    const s = openSpec(loc, spec, ctx.cwd);
    const doc = s.loaded.value;
    const p = q.progressOf(doc);
    const h = q.hierarchyOf(doc);
    // The status the work shows: a stored root status can be stale (old tools wrote it once).
    const status = q.derivedStatus(doc);
    const phase = q.currentPhase(doc);
    const claims = claimsOf({ specsDir: loc.specsDir, specId: s.ref.id, doc, env: ctx.env });
    ctx.report({
      command: "progress",
      exitCode: 0,
      payload: {
        spec_id: s.ref.id,
        title: q.specTitle(doc),
        type: "spec",
        status,
        stored_status: q.summarize(h, "spec-root").status,
        folder: s.ref.folder ?? null,
        ...p,
        current_phase: phase,
        claims,
      },
      legacy: progressFields(s.ref.id, q.specTitle(doc), status, p, phase),
      text: () => [
        `${q.specTitle(doc)} (${s.ref.id})`,
        `  ${p.completed_tasks}/${p.total_tasks} tasks, ${p.percentage}%${p.complete ? ", complete" : `, ${p.remaining_tasks} remaining`}`,
        ...(phase === null ? [] : [`  current phase: ${phase.id} ${phase.title} (${phase.completed}/${phase.total})`]),
        ...claims.map((c) => `  claimed: ${c.task_id} by ${c.agent} until ${c.lease_expires_at}${c.live ? "" : " (expired)"}`),
      ],
    });
  });
}
