import type { Command } from "commander";
import { ExitCode } from "../core/errors.js";
import { progressFields } from "../ui/legacy.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program.command("progress").description("progress of a spec, recomputed from its tasks").argument("<spec>", "spec id or file"),
  ).action(async (spec: string, flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const { progressReport } = await import("../core/reports/progress.js");
    const r = progressReport({ loc, spec, cwd: ctx.cwd, env: ctx.env });
    const { progress: p, current_phase: phase, claims } = r;
    ctx.report({
      command: "progress",
      exitCode: ExitCode.ok,
      payload: {
        spec_id: r.spec_id,
        title: r.title,
        type: "spec",
        status: r.status,
        stored_status: r.stored_status,
        folder: r.folder,
        ...p,
        current_phase: phase,
        claims,
      },
      legacy: progressFields(r.spec_id, r.title, r.status, p, phase),
      text: () => [
        `${r.title} (${r.spec_id})`,
        `  ${p.completed_tasks}/${p.total_tasks} tasks, ${p.percentage}%${p.complete ? ", complete" : `, ${p.remaining_tasks} remaining`}`,
        ...(phase === null ? [] : [`  current phase: ${phase.id} ${phase.title} (${phase.completed}/${phase.total})`]),
        ...claims.map((c) => `  claimed: ${c.task_id} by ${c.agent} until ${c.lease_expires_at}${c.live ? "" : " (expired)"}`),
      ],
    });
  });
}
