import type { Command } from "commander";
import { agentOf, outcomeExitCode, withClaimOptions, type ClaimFlags } from "./_claims.js";
import type { CliContext } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withClaimOptions(
    program
      .command("renew")
      .description("extend the lease of a claim the agent holds; exit 3 when another agent holds it, 1 when it is not claimed")
      .argument("<spec>", "spec id or file")
      .argument("<task>", "node id")
      .option("--lease <duration>", "the new lease, from now (default 30m)"),
  ).action(async (spec: string, task: string, flags: ClaimFlags & { force?: boolean }) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const [{ renew }, { parseDuration }, { parseLockTimeout }] = await Promise.all([
      import("../core/claims/index.js"),
      import("../core/mutations/claims.js"),
      import("../core/store/lock.js"),
    ]);
    const r = await renew({
      cwd: ctx.cwd,
      env: ctx.env,
      specsDir: flags.specsDir,
      path: flags.path,
      spec,
      task,
      agent: agentOf(flags, ctx.env),
      force: flags.force === true,
      leaseMs: flags.lease === undefined ? undefined : parseDuration(flags.lease),
      remote: flags.remote,
      lockTimeoutMs: flags.lockTimeout === undefined ? undefined : parseLockTimeout(flags.lockTimeout),
    });
    ctx.report({
      command: "renew",
      exitCode: outcomeExitCode(r.outcome),
      payload: { ...r },
      text: () => [
        r.outcome === "released"
          ? `${r.spec_id} ${r.task_id}: released (${r.agent}'s claim); it is ${r.status}`
          : r.outcome === "renewed"
            ? `${r.spec_id} ${r.task_id}: renewed for ${r.agent} until ${r.lease_expires_at ?? ""}`
            : `not renewed: ${"reason" in r ? r.reason : ""}`,
      ],
    });
  });
}
