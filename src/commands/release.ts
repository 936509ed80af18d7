import type { Command } from "commander";
import { agentOf, outcomeExitCode, withClaimOptions, type ClaimFlags } from "./_claims.js";
import type { CliContext } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withClaimOptions(
    program
      .command("release")
      .description(
        "give a claim up: the task goes back to pending and is ready again; another agent's claim needs --force; exit 3 when held by another agent",
      )
      .argument("<spec>", "spec id or file")
      .argument("<task>", "node id")
      .option("--force", "release a claim another agent holds"),
  ).action(async (spec: string, task: string, flags: ClaimFlags & { force?: boolean }) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const [{ release }, { parseDuration }, { parseLockTimeout }] = await Promise.all([
      import("../core/claims/index.js"),
      import("../core/mutations/claims.js"),
      import("../core/store/lock.js"),
    ]);
    const r = await release({
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
      command: "release",
      exitCode: outcomeExitCode(r.outcome),
      payload: { ...r },
      text: () => [
        r.outcome === "released"
          ? `${r.spec_id} ${r.task_id}: released (${r.agent}'s claim); it is ${r.status}`
          : r.outcome === "renewed"
            ? `${r.spec_id} ${r.task_id}: renewed for ${r.agent} until ${r.lease_expires_at ?? ""}`
            : `not released: ${"reason" in r ? r.reason : ""}`,
      ],
    });
  });
}
