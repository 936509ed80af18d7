/** What claim, release and renew share: the agent, the lease, the remote, and the exit code of an outcome. */
import { Option, type Command } from "commander";
import { withGlobalOptions, type GlobalOptions } from "./_shared.js";

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
  if (outcome === "held") return 3;
  if (outcome === "none") return 1;
  return 0;
}
