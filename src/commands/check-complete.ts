import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
import { exitCodeFor } from "../core/findings.js";
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
    const { checkComplete } = await import("../core/reports/progress.js");
    const node = flags.phase ?? flags.task;
    const r = checkComplete({ loc, spec, cwd: ctx.cwd, env: ctx.env, ...(node === undefined ? {} : { node }) });
    const { progress: p, open } = r;
    const what = `${r.spec_id}${r.node_id === "spec-root" ? "" : ` ${r.node_id}`}`;
    ctx.report({
      command: "check-complete",
      exitCode: exitCodeFor({ unmet: !p.complete }),
      payload: { spec_id: r.spec_id, ...p, is_complete: p.complete, incomplete_count: open.length, incomplete_tasks: open },
      legacy: { is_complete: p.complete, incomplete_count: open.length, incomplete_tasks: open },
      text: () =>
        p.complete
          ? [`${what}: complete (${p.completed_tasks}/${p.total_tasks})`]
          : p.total_tasks === 0
            ? [`${what}: not complete: it holds no work (no task, subtask or verify step)`]
            : [`${what}: not complete, ${open.length} open:`, ...open.map((o) => `  ${o.id} [${o.status}] ${o.title}`)],
    });
  });
}
