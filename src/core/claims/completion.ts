/** The end of a claim at completion, and the claims the read commands show. */
import { now } from "../clock.js";
import { DEFAULT_LOCK_TIMEOUT_MS } from "../store/lock.js";
import { claimsInSpec, type Claim } from "../mutations/claims.js";
import { gitCommonDir } from "./git.js";
import { readLedger, withLedger } from "./ledger.js";
import { pushClaim, readRemoteClaim } from "./remote.js";
import { cloneOf, sameHolder } from "./holder.js";
import type { ClaimsBaseOptions } from "./context.js";

export interface CompletionClaimOptions extends ClaimsBaseOptions {
  specsDir: string;
  spec: string;
  task: string;
}

/** A live claim on the task in another worktree of this repository (the ledger), if any. */
export function ledgerClaim(o: CompletionClaimOptions): Claim | undefined {
  const env = o.env ?? process.env;
  const ledger = readLedger(gitCommonDir(o.specsDir, o.env));
  return ledger.heldFor(o.spec, now(env).getTime()).get(o.task);
}

/**
 * After complete-task: the claim is over. The ledger entry goes; a remote claim is marked
 * completed (not deleted), so no machine that has not yet seen the completion takes it.
 */
export async function endClaimOnCompletion(
  o: CompletionClaimOptions & { agent: string | undefined },
): Promise<{ remote_ref: string | null }> {
  const env = o.env ?? process.env;
  const commonDir = gitCommonDir(o.specsDir, env);
  if (commonDir === undefined) return { remote_ref: null };
  const nowMs = now(env).getTime();
  return withLedger(commonDir, o.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, (ledger): { remote_ref: string | null } => {
    const entry = ledger.get(o.spec, o.task);
    if (entry === undefined) return { remote_ref: null };
    ledger.delete(o.spec, o.task);
    if (entry.remote === undefined) return { remote_ref: null };
    const seen = readRemoteClaim(o.cwd, env, entry.remote.name, o.spec, o.task);
    // Taken over on the remote meanwhile, or another clone's: that claim is someone else's;
    // never overwrite it.
    const clone = cloneOf(commonDir);
    if (seen === undefined || !sameHolder(seen, { agent: entry.agent, ...clone })) return { remote_ref: null };
    const ts = new Date(nowMs).toISOString();
    pushClaim(
      o.cwd,
      env,
      entry.remote.name,
      o.spec,
      o.task,
      { agent: o.agent ?? entry.agent, claimed_at: entry.claimed_at, lease_expires_at: ts, state: "completed", ...clone },
      seen.sha,
    );
    return { remote_ref: entry.remote.ref };
  });
}

export interface ClaimView extends Claim {
  task_id: string;
  live: boolean;
  /** "spec": recorded in this checkout's spec; "worktree": only in another worktree's claim (the ledger). */
  recorded_in: "spec" | "worktree";
}

/** Every claim on a spec's tasks, for task-info, progress and next-task: the spec's own, then the ledger's. */
export function claimsOf(o: { specsDir: string; specId: string; doc: unknown; env?: NodeJS.ProcessEnv }): ClaimView[] {
  const nowMs = now(o.env ?? process.env).getTime();
  const out: ClaimView[] = claimsInSpec(o.doc, nowMs).map((c) => ({ task_id: c.task_id, ...c.claim, live: c.live, recorded_in: "spec" }));
  const seen = new Set(out.map((c) => c.task_id));
  for (const [task, c] of readLedger(gitCommonDir(o.specsDir, o.env)).heldFor(o.specId, nowMs)) {
    if (seen.has(task)) continue;
    out.push({
      task_id: task,
      agent: c.agent,
      claimed_at: c.claimed_at,
      lease_expires_at: c.lease_expires_at,
      live: true,
      recorded_in: "worktree",
    });
  }
  return out;
}
