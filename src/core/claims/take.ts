/**
 * `claim`: the given task, or the first ready one, in every scope it can take: the spec (one
 * checkout), the ledger (the worktrees of one repository), and with `remote` a ref on that
 * remote (several machines).
 */
import { resolveSpec } from "../store/discovery.js";
import { readJsonFile } from "../store/spec-file.js";
import { DEFAULT_LEASE_MS, planClaim, readiness, readyTasks, type Claim, type ClaimResult } from "../mutations/claims.js";
import { transact } from "../store/transaction.js";
import { UsageError } from "../errors.js";
import { withLedger, type Ledger } from "./ledger.js";
import { assertRemote, claimRef, deleteClaim, pushClaim, readRemoteClaim, type RemoteBody, type RemoteClaim } from "./remote.js";
import { sameHolder } from "./holder.js";
import { assertAgent, isUnreadable, setting, specIds, type ClaimsBaseOptions, type Scope, type Setting } from "./context.js";

export interface ClaimOptions extends ClaimsBaseOptions {
  /** The spec to claim from; else every active spec, in id order. */
  spec?: string | undefined;
  task?: string | undefined;
  agent: string | undefined;
  leaseMs?: number | undefined;
  /** A git remote to claim on as well (the several-machines scope). */
  remote?: string | undefined;
}

export type ClaimReport = ClaimResult & { scope: Scope; remote_ref: string | null };

async function claimLocal(
  s: Setting,
  o: ClaimOptions,
  ledger: Ledger,
  spec: string,
  task: string | undefined,
  agent: string,
  skip?: ReadonlySet<string>,
): Promise<ClaimResult> {
  const r = await transact(
    { specsDir: s.loc.specsDir, spec, cwd: o.cwd, env: s.env, command: "claim", lockTimeoutMs: s.timeoutMs },
    (ctx) =>
      planClaim(ctx, {
        task,
        agent,
        leaseMs: o.leaseMs ?? DEFAULT_LEASE_MS,
        nowMs: s.nowMs,
        held: ledger.heldFor(ctx.ref.id, s.nowMs, { agent, worktree: s.worktree() }),
        ...(skip === undefined ? {} : { skip }),
      }),
  );
  return r.result;
}

function record(s: Setting, ledger: Ledger, r: ClaimResult, remote?: { name: string; sha: string }): void {
  if (r.outcome !== "claimed" || s.commonDir === undefined) return;
  ledger.set({
    spec_id: r.spec_id,
    task_id: r.task_id,
    agent: r.agent,
    claimed_at: r.claimed_at,
    lease_expires_at: r.lease_expires_at,
    worktree: s.worktree(),
    ...(remote === undefined ? {} : { remote: { name: remote.name, ref: claimRef(r.spec_id, r.task_id), sha: remote.sha } }),
  });
}

/**
 * Take a claim on the remote for one task: a plain push creates the ref; an expired claim
 * (or this holder's own: the same agent in the same clone) is replaced with a lease on the
 * commit seen. Returns the claim's sha, or the claim that holds (or completed) the task.
 */
function takeRemote(
  s: Setting,
  o: ClaimOptions,
  remote: string,
  spec: string,
  task: string,
  claim: Claim,
): { sha: string } | { holder: RemoteClaim } {
  const body: RemoteBody = { ...claim, state: "claimed", ...s.clone() };
  const first = pushClaim(o.cwd, s.env, remote, spec, task, body);
  if (first.ok) return { sha: first.sha };
  const seen = readRemoteClaim(o.cwd, s.env, remote, spec, task);
  // Rejected, yet no ref: a push error of its own (not a lost race).
  if (seen === undefined) {
    throw new UsageError(`git push to ${remote} failed: ${first.stderr.trim()}`, { code: "push-failed", fix: `git push ${remote}` });
  }
  const expired = Date.parse(seen.lease_expires_at) <= s.nowMs;
  if (seen.state === "completed" || (!expired && !sameHolder(seen, { agent: claim.agent, ...s.clone() }))) return { holder: seen };
  const again = pushClaim(o.cwd, s.env, remote, spec, task, body, seen.sha);
  if (again.ok) return { sha: again.sha };
  return { holder: readRemoteClaim(o.cwd, s.env, remote, spec, task) ?? seen };
}

/** A task held on the remote is a conflict (exit 3); one completed there is simply not claimable (exit 1). */
function heldReport(spec: string, task: string, holder: RemoteClaim, remote: string): ClaimResult {
  if (holder.state === "completed") {
    return { outcome: "none", spec_id: spec, task_id: task, reason: `${task} is completed by ${holder.agent} (on ${remote})` };
  }
  const elsewhere = holder.host === undefined ? "" : ` on ${holder.host}`;
  return {
    outcome: "held",
    spec_id: spec,
    task_id: task,
    held_by: holder.agent,
    lease_expires_at: holder.lease_expires_at,
    reason: `${task} is held by ${holder.agent}${elsewhere} until ${holder.lease_expires_at} (on ${remote})`,
  };
}

async function claimWithRemote(
  s: Setting,
  o: ClaimOptions,
  ledger: Ledger,
  spec: string,
  agent: string,
  remote: string,
): Promise<ClaimResult> {
  const skip = new Set<string>();
  let last: ClaimResult | undefined;
  for (;;) {
    const file = resolveSpec(spec, s.loc.specsDir, o.cwd).file;
    const doc = readJsonFile(file).value;
    const held = ledger.heldFor(spec, s.nowMs, { agent, worktree: s.worktree() });
    let task = o.task;
    if (task === undefined) {
      task = readyTasks(doc, spec, held, s.nowMs).find((t) => !skip.has(t.task_id))?.task_id;
      if (task === undefined)
        return last?.outcome === "held" ? last : { outcome: "none", spec_id: spec, task_id: null, reason: `no ready task in ${spec}` };
    } else {
      // A task not claimable here is refused before anything is pushed.
      const r = readiness(doc, task, held.get(task), s.nowMs);
      // Held in this checkout by this agent: renewing it (on the remote too) is its own to do.
      const mine = r.ready === false && r.why === "held" && r.claim?.agent === agent && !held.has(task);
      if (!r.ready && !mine) return claimLocal(s, o, ledger, spec, task, agent);
    }
    const ts = new Date(s.nowMs).toISOString();
    const claim: Claim = { agent, claimed_at: ts, lease_expires_at: new Date(s.nowMs + (o.leaseMs ?? DEFAULT_LEASE_MS)).toISOString() };
    const taken = takeRemote(s, o, remote, spec, task, claim);
    if ("holder" in taken) {
      const report = heldReport(spec, task, taken.holder, remote);
      if (o.task !== undefined) return report;
      if (report.outcome === "held") last = report;
      skip.add(task);
      continue;
    }
    const local = await claimLocal(s, o, ledger, spec, task, agent).catch((err: unknown) => {
      deleteClaim(o.cwd, s.env, remote, spec, task, taken.sha);
      throw err;
    });
    if (local.outcome === "claimed") {
      record(s, ledger, local, { name: remote, sha: taken.sha });
      return local;
    }
    // Taken on the remote but not claimable here after all: give the remote claim back.
    deleteClaim(o.cwd, s.env, remote, spec, task, taken.sha);
    if (o.task !== undefined) return local;
    skip.add(task);
    last = local;
  }
}

/**
 * Claim the given task, or the first ready one: it becomes in_progress with its owner and
 * lease. Outcome "claimed" (exit 0), "none" (nothing ready, exit 1), "held" (lost the race
 * or held by another agent, exit 3).
 */
export async function claim(o: ClaimOptions): Promise<ClaimReport> {
  const agent = assertAgent(o.agent);
  if (o.task !== undefined && o.spec === undefined) throw new UsageError("give the spec of the task: sdd claim SPEC TASK");
  const s = setting(o);
  if (o.remote !== undefined) {
    if (s.commonDir === undefined) throw new UsageError(`--remote needs a git repository; ${s.loc.specsDir} is not in one`);
    assertRemote(o.cwd, o.remote);
  }
  const scope: Scope = o.remote !== undefined ? "remote" : s.commonDir !== undefined ? "worktree" : "checkout";
  const result = await withLedger(s.commonDir, s.timeoutMs, async (ledger): Promise<ClaimResult> => {
    ledger.prune(s.nowMs);
    const specs = o.spec === undefined ? specIds(s, o.cwd, undefined).sort() : [o.spec];
    let held: ClaimResult | undefined;
    for (const spec of specs) {
      let r: ClaimResult;
      try {
        r =
          o.remote !== undefined
            ? await claimWithRemote(s, o, ledger, spec, agent, o.remote)
            : await claimLocal(s, o, ledger, spec, o.task, agent);
      } catch (err) {
        // Claiming from every active spec: one that does not parse (sdd validate reports it)
        // must not stop the team taking work from the others.
        if (o.spec !== undefined || !isUnreadable(err)) throw err;
        continue;
      }
      if (r.outcome === "claimed") {
        if (o.remote === undefined) record(s, ledger, r);
        return r;
      }
      if (o.task !== undefined) return r;
      if (r.outcome === "held") held = r;
    }
    return (
      held ?? {
        outcome: "none",
        spec_id: o.spec ?? "",
        task_id: null,
        reason: specs.length === 0 ? "no active spec" : "no ready task",
      }
    );
  });
  const ref = result.outcome === "claimed" && o.remote !== undefined ? claimRef(result.spec_id, result.task_id) : null;
  return { ...result, scope, remote_ref: ref };
}
