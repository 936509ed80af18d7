import type { Command } from "commander";
import { agentOf, outcomeExitCode, withClaimOptions, type ClaimFlags } from "./_claims.js";
import type { CliContext } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withClaimOptions(
    program
      .command("claim")
      .description(
        "claim a task (the given one, or the first ready one) for an agent, atomically: it becomes in_progress with its owner and lease; exit 1 nothing ready, 3 held by another agent or lost the race",
      )
      .argument("[spec]", "spec id or file (default: every active spec)")
      .argument("[task]", "node id (default: the first ready task)")
      .option("--lease <duration>", "how long the claim holds without a renew (e.g. 30m, 2h; default 30m)"),
  ).action(async (spec: string | undefined, task: string | undefined, flags: ClaimFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const [{ claim }, { parseDuration }, { parseLockTimeout }] = await Promise.all([
      import("../core/claims/index.js"),
      import("../core/mutations/claims.js"),
      import("../core/store/lock.js"),
    ]);
    const r = await claim({
      cwd: ctx.cwd,
      env: ctx.env,
      specsDir: flags.specsDir,
      path: flags.path,
      spec,
      task,
      agent: agentOf(flags, ctx.env),
      leaseMs: flags.lease === undefined ? undefined : parseDuration(flags.lease),
      remote: flags.remote,
      lockTimeoutMs: flags.lockTimeout === undefined ? undefined : parseLockTimeout(flags.lockTimeout),
    });
    ctx.report({
      command: "claim",
      exitCode: outcomeExitCode(r.outcome),
      payload: { ...r },
      text: (style) => {
        if (r.outcome === "claimed") {
          const how = r.renewed
            ? "renewed"
            : r.reclaimed_from === null
              ? "claimed"
              : `claimed (the lease of ${r.reclaimed_from} had expired)`;
          return [`${r.spec_id} ${style.bold(r.task_id)} ${r.title}: ${how} by ${r.agent} until ${r.lease_expires_at}`];
        }
        return [r.outcome === "held" ? `not claimed: ${r.reason}` : `nothing to claim: ${r.reason}`];
      },
    });
  });
}
