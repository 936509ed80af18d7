/** What claim, release and renew share: the agent, the lease, the remote, and the exit code of an outcome. */
import { Option, type Command } from "commander";
import { exitCodeFor } from "../core/findings.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export interface ClaimFlags extends GlobalOptions {
  agent?: string;
  lease?: string;
  remote?: string;
  lockTimeout?: string;
}

export function withClaimOptions(cmd: Command): Command {
  return withGlobalOptions(
    cmd
      .option("--agent <name>", "who holds the claim (default $SDD_AGENT)")
      .option("--remote <name>", "also claim on this git remote, for agents on other machines (refs/sdd/claims/<spec>/<task>)")
      .addOption(new Option("--lock-timeout <duration>", "how long to wait for a lock (e.g. 5s, 500ms; default 10s)")),
  );
}

export function agentOf(flags: { agent?: string | undefined }, env: NodeJS.ProcessEnv): string | undefined {
  return flags.agent ?? (env.SDD_AGENT !== undefined && env.SDD_AGENT !== "" ? env.SDD_AGENT : undefined);
}

/** claimed/released/renewed: 0; nothing to claim: 1; held by another agent or lost the race: 3. */
export function outcomeExitCode(outcome: string): number {
  return exitCodeFor({ conflict: outcome === "held", unmet: outcome === "none" });
}

/**
 * release and renew: one shape (spec, task, the holder's claim), one core call each. They
 * differ only in their words and in the option each adds (--force to release another
 * agent's claim, --lease for the new lease).
 */
export function registerHoldCommand(
  program: Command,
  ctx: CliContext,
  command: "release" | "renew",
  description: string,
  option: (cmd: Command) => Command,
): void {
  withClaimOptions(
    option(program.command(command).description(description).argument("<spec>", "spec id or file").argument("<task>", "node id")),
  ).action(async (spec: string, task: string, flags: ClaimFlags & { force?: boolean }) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const [claims, { parseDuration }, { parseLockTimeout }] = await Promise.all([
      import("../core/claims/index.js"),
      import("../core/mutations/claims.js"),
      import("../core/store/lock.js"),
    ]);
    const r = await claims[command]({
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
      command,
      exitCode: outcomeExitCode(r.outcome),
      payload: { ...r },
      text: () => [
        r.outcome === "released"
          ? `${r.spec_id} ${r.task_id}: released (${r.agent}'s claim); it is ${r.status}`
          : r.outcome === "renewed"
            ? `${r.spec_id} ${r.task_id}: renewed for ${r.agent} until ${r.lease_expires_at ?? ""}`
            : `not ${command === "release" ? "released" : "renewed"}: ${"reason" in r ? r.reason : ""}`,
      ],
    });
  });
}
