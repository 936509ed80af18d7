/** `release` and `renew`: act on one's own claim, in the spec, the ledger and on the remote. */
import { resolveSpec } from "../store/discovery.js";
import { DEFAULT_LEASE_MS, planRelease, planRenew, type HoldResult } from "../mutations/claims.js";
import { transact } from "../store/transaction.js";
import { ConflictError } from "../errors.js";
import { withLedger, type Ledger } from "./ledger.js";
import { assertRemote, claimRef, deleteClaim, pushClaim, readRemoteClaim, type RemoteClaim } from "./remote.js";
import { sameHolder } from "./holder.js";
import { assertAgent, setting, type ClaimsBaseOptions, type Scope, type Setting } from "./context.js";

export interface HoldOptions extends ClaimsBaseOptions {
  spec: string;
  task: string;
  agent: string | undefined;
  /** release: let go of another agent's claim. */
  force?: boolean;
  /** renew: the new lease. */
  leaseMs?: number | undefined;
  remote?: string | undefined;
}

export type HoldReport = HoldResult & { scope: Scope; remote_ref: string | null };

/** The remote claim to act on: the one the ledger recorded, or the one on `--remote`. */
function remoteOf(s: Setting, o: HoldOptions, ledger: Ledger, specId: string): (RemoteClaim & { name: string }) | undefined {
  const entry = ledger.get(specId, o.task);
  const name = o.remote ?? entry?.remote?.name;
  if (name === undefined) return undefined;
  assertRemote(o.cwd, name);
  const seen = readRemoteClaim(o.cwd, s.env, name, specId, o.task);
  return seen === undefined ? undefined : { ...seen, name };
}

async function hold(o: HoldOptions, command: "release" | "renew"): Promise<HoldReport> {
  const agent = assertAgent(o.agent);
  const s = setting(o);
  const specId = resolveSpec(o.spec, s.loc.specsDir, o.cwd).id;
  const scope: Scope = o.remote !== undefined ? "remote" : s.commonDir !== undefined ? "worktree" : "checkout";
  let remoteRef: string | null = null;
  const result = await withLedger(s.commonDir, s.timeoutMs, async (ledger) => {
    const held = ledger.heldFor(specId, s.nowMs, { agent, worktree: s.worktree() });
    const input = { task: o.task, agent, nowMs: s.nowMs, held, force: o.force === true, leaseMs: o.leaseMs ?? DEFAULT_LEASE_MS };
    // The remote holds the claim that counts across machines: one taken over there (after this
    // agent's lease ran out), or held by an agent of the same name in another clone, is not
    // this holder's to renew or release.
    const remote = remoteOf(s, o, ledger, specId);
    const ours = remote !== undefined && sameHolder(remote, { agent, ...s.clone() });
    if (remote !== undefined && !ours && o.force !== true) {
      throw new ConflictError(
        "claim-held",
        `task ${JSON.stringify(o.task)} of ${specId} is claimed on ${remote.name} by ${remote.agent}${remote.host === undefined ? "" : ` on ${remote.host}`}; nothing was changed`,
        {
          fix: `sdd ready ${specId}   # pick another task`,
        },
      );
    }
    const r = await transact(
      { specsDir: s.loc.specsDir, spec: o.spec, cwd: o.cwd, env: s.env, command, lockTimeoutMs: s.timeoutMs },
      (ctx) => (command === "release" ? planRelease(ctx, input) : planRenew(ctx, input)),
    );
    let out = r.result;
    const entry = ledger.get(specId, o.task);
    // Claimed in another worktree of this repository: the ledger entry is the claim.
    if (out.outcome === "none" && entry !== undefined && entry.agent === agent) {
      out = {
        outcome: command === "release" ? "released" : "renewed",
        spec_id: specId,
        task_id: o.task,
        agent,
        lease_expires_at: command === "release" ? null : new Date(s.nowMs + input.leaseMs).toISOString(),
        status: "in_progress",
      };
    }
    if (out.outcome !== "released" && out.outcome !== "renewed") return out;
    if (remote !== undefined && (ours || o.force === true)) {
      remoteRef = claimRef(specId, o.task);
      if (command === "release") deleteClaim(o.cwd, s.env, remote.name, specId, o.task, remote.sha);
      else {
        const until = out.lease_expires_at ?? new Date(s.nowMs + input.leaseMs).toISOString();
        const p = pushClaim(
          o.cwd,
          s.env,
          remote.name,
          specId,
          o.task,
          { agent, claimed_at: entry?.claimed_at ?? until, lease_expires_at: until, state: "claimed", ...s.clone() },
          remote.sha,
        );
        if (!p.ok) {
          throw new ConflictError(
            "claim-lost",
            `task ${JSON.stringify(o.task)} of ${specId}: the claim on ${remote.name} changed meanwhile; the lease there was not extended`,
            {
              fix: `sdd ready ${specId}`,
            },
          );
        }
        if (entry !== undefined)
          ledger.set({ ...entry, lease_expires_at: until, remote: { name: remote.name, ref: remoteRef, sha: p.sha } });
      }
    }
    if (command === "release") ledger.delete(specId, o.task);
    else if (
      entry !== undefined &&
      out.lease_expires_at !== null &&
      ledger.get(specId, o.task)?.lease_expires_at !== out.lease_expires_at
    ) {
      ledger.set({ ...entry, lease_expires_at: out.lease_expires_at });
    }
    return out;
  });
  return { ...result, scope: remoteRef === null ? scope : "remote", remote_ref: remoteRef };
}

/** Give a claim up: the task goes back to pending and is ready again. */
export function release(o: HoldOptions): Promise<HoldReport> {
  return hold(o, "release");
}

/** Extend one's lease. */
export function renew(o: HoldOptions): Promise<HoldReport> {
  return hold(o, "renew");
}
