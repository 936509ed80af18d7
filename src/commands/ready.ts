import type { Command } from "commander";
import { exitCodeFor } from "../core/findings.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("ready")
      .description(
        "the unblocked, unclaimed pending tasks of every active spec (or those named), in claim order: spec id, phase order, tree order; exit 1 when none",
      )
      .argument("[spec...]", "spec ids or files"),
  ).action(async (specs: string[], flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const { ready } = await import("../core/claims/index.js");
    const r = ready({ cwd: ctx.cwd, env: ctx.env, specsDir: flags.specsDir, path: flags.path, specs });
    ctx.report({
      command: "ready",
      exitCode: exitCodeFor({ unmet: r.count === 0 }),
      payload: { ...r },
      text: (style) => [
        ...(r.count === 0
          ? ["no ready task"]
          : r.tasks.map(
              (t) =>
                `${t.spec_id} ${style.bold(t.task_id)} ${t.title}${t.expired_claim === null ? "" : style.dim(` (lease of ${t.expired_claim.agent} expired)`)}`,
            )),
        ...r.unreadable.map((u) => style.yellow(`skipped ${u.spec_id}: ${u.error}`)),
      ],
    });
  });
}
