/**
 * Claims for a team of agents (docs/agents.md): `ready`, `claim`, `release`, `renew` and
 * `statusBoard`. Each takes a typed options object with `cwd` and returns plain JSON data,
 * the same fields the commands print with --json.
 *
 * Scopes, all taken by every claim that can:
 * - one checkout: the claim is written into the task's node under the spec's lock;
 * - the worktrees of one repository: the claims ledger in the git common directory, under
 *   its own lock, held around the spec transaction (ledger lock first, then the spec's);
 * - several machines: with `remote`, a ref on that remote (remote.ts).
 */
import { now } from "../clock.js";
import { findSpecsDir, listSpecFiles, resolveSpec, type SpecsLocation } from "../store/discovery.js";
import { DEFAULT_LOCK_TIMEOUT_MS } from "../store/lock.js";
import { readJsonFile } from "../store/spec-file.js";
import {
  claimsInSpec,
  DEFAULT_LEASE_MS,
  planClaim,
  planRelease,
  planRenew,
  readiness,
  readyTasks,
  type Claim,
  type ClaimResult,
  type HoldResult,
  type ReadyTask,
} from "../mutations/claims.js";
import { transact } from "../store/transaction.js";
import { ConflictError, ExitCode, SddError, UsageError } from "../errors.js";
import { gitCommonDir, worktreeRoot } from "./git.js";
import { readLedger, withLedger, type Ledger } from "./ledger.js";
import { assertRemote, claimRef, deleteClaim, pushClaim, readRemoteClaim } from "./remote.js";

export { statusBoard, type StatusBoard, type StatusBoardOptions } from "./board.js";

export interface ClaimsBaseOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** `--specs-dir`. */
  specsDir?: string | undefined;
  /** `--path`. */
  path?: string | undefined;
  lockTimeoutMs?: number | undefined;
}

export type Scope = "checkout" | "worktree" | "remote";

interface Setting {
  loc: SpecsLocation;
  env: NodeJS.ProcessEnv;
  commonDir: string | undefined;
  nowMs: number;
  timeoutMs: number;
}

function setting(o: ClaimsBaseOptions): Setting {
  const env = o.env ?? process.env;
  const loc = findSpecsDir({ cwd: o.cwd, specsDir: o.specsDir, path: o.path, env });
  return {
    loc,
    env,
    commonDir: gitCommonDir(loc.specsDir, env),
    nowMs: now(env).getTime(),
    timeoutMs: o.lockTimeoutMs ?? loc.config.config.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
  };
}

/** The specs a command works on: those named, else every active spec. */
function specIds(s: Setting, cwd: string, named: readonly string[] | undefined): string[] {
  if (named !== undefined && named.length > 0) return named.map((n) => resolveSpec(n, s.loc.specsDir, cwd).id);
  return listSpecFiles(s.loc.specsDir)
    .filter((r) => r.folder === "active")
    .map((r) => r.id);
}

function isUnreadable(err: unknown): err is SddError {
  return err instanceof SddError && err.exitCode === ExitCode.unreadable;
}

function assertAgent(agent: string | undefined): string {
  if (agent === undefined || agent.trim() === "") {
    throw new UsageError("name the agent: --agent NAME (or set SDD_AGENT)", { code: "agent-missing" });
  }
  return agent.trim();
}

export interface ReadyOptions extends ClaimsBaseOptions {
  specs?: readonly string[];
}

export interface ReadyReport {
  tasks: ReadyTask[];
  count: number;
  /** Active specs that could not be read (with every spec asked for, one broken file does not hide the rest). */
  unreadable: { spec_id: string; error: string }[];
  /** Whether claims of other worktrees (the ledger) were taken into account. */
  ledger: boolean;
}

/**
 * The unblocked, unclaimed pending work, in order: spec id, then phase order (in-progress
 * phases first), then tree order; a task whose lease expired counts as ready again.
 */
export function ready(o: ReadyOptions): ReadyReport {
  const s = setting(o);
  const ledger = readLedger(s.commonDir);
  const tasks: ReadyTask[] = [];
  const unreadable: ReadyReport["unreadable"] = [];
  const named = o.specs !== undefined && o.specs.length > 0;
  for (const id of specIds(s, o.cwd, o.specs).sort()) {
    let doc: unknown;
    try {
      doc = readJsonFile(resolveSpec(id, s.loc.specsDir, o.cwd).file).value;
    } catch (err) {
      if (named || !isUnreadable(err)) throw err;
      unreadable.push({ spec_id: id, error: err.message });
      continue;
    }
    tasks.push(...readyTasks(doc, id, ledger.heldFor(id, s.nowMs), s.nowMs));
  }
  return { tasks, count: tasks.length, unreadable, ledger: s.commonDir !== undefined };
}

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
        held: ledger.heldFor(ctx.ref.id, s.nowMs),
        ...(skip === undefined ? {} : { skip }),
      }),
  );
  return r.result;
}

function record(s: Setting, o: ClaimOptions, ledger: Ledger, r: ClaimResult, remote?: { name: string; sha: string }): void {
  if (r.outcome !== "claimed" || s.commonDir === undefined) return;
  ledger.set({
    spec_id: r.spec_id,
    task_id: r.task_id,
    agent: r.agent,
    claimed_at: r.claimed_at,
    lease_expires_at: r.lease_expires_at,
    worktree: worktreeRoot(o.cwd) ?? null,
    ...(remote === undefined ? {} : { remote: { name: remote.name, ref: claimRef(r.spec_id, r.task_id), sha: remote.sha } }),
  });
}

/**
 * Take a claim on the remote for one task: a plain push creates the ref; an expired claim
 * (or our own) is replaced with a lease on the commit seen. Returns the claim's sha, or
 * the claim that holds the task.
 */
function takeRemote(
  s: Setting,
  o: ClaimOptions,
  remote: string,
  spec: string,
  task: string,
  claim: Claim,
): { sha: string } | { holder: Claim & { state: string } } {
  const first = pushClaim(o.cwd, s.env, remote, spec, task, { ...claim, state: "claimed" });
  if (first.ok) return { sha: first.sha };
  const seen = readRemoteClaim(o.cwd, s.env, remote, spec, task);
  // Rejected, yet no ref: a push error of its own (not a lost race).
  if (seen === undefined) {
    throw new UsageError(`git push to ${remote} failed: ${first.stderr.trim()}`, { code: "push-failed", fix: `git push ${remote}` });
  }
  const expired = Date.parse(seen.lease_expires_at) <= s.nowMs;
  if (seen.state === "completed" || (!expired && seen.agent !== claim.agent)) return { holder: seen };
  const again = pushClaim(o.cwd, s.env, remote, spec, task, { ...claim, state: "claimed" }, seen.sha);
  if (again.ok) return { sha: again.sha };
  return { holder: readRemoteClaim(o.cwd, s.env, remote, spec, task) ?? seen };
}

function heldReport(spec: string, task: string, holder: Claim & { state: string }, remote: string): ClaimResult {
  const what = holder.state === "completed" ? `completed by ${holder.agent}` : `held by ${holder.agent} until ${holder.lease_expires_at}`;
  return {
    outcome: "held",
    spec_id: spec,
    task_id: task,
    held_by: holder.agent,
    lease_expires_at: holder.lease_expires_at,
    reason: `${task} is ${what} (on ${remote})`,
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
    const held = ledger.heldFor(spec, s.nowMs);
    let task = o.task;
    if (task === undefined) {
      task = readyTasks(doc, spec, held, s.nowMs).find((t) => !skip.has(t.task_id))?.task_id;
      if (task === undefined)
        return last?.outcome === "held" ? last : { outcome: "none", spec_id: spec, task_id: null, reason: `no ready task in ${spec}` };
    } else {
      // A task not claimable here is refused before anything is pushed.
      const r = readiness(doc, task, held.get(task)?.agent === agent ? undefined : held.get(task), s.nowMs);
      const mine = r.ready === false && r.why === "held" && r.claim?.agent === agent;
      if (!r.ready && !mine) return claimLocal(s, o, ledger, spec, task, agent);
    }
    const ts = new Date(s.nowMs).toISOString();
    const claim: Claim = { agent, claimed_at: ts, lease_expires_at: new Date(s.nowMs + (o.leaseMs ?? DEFAULT_LEASE_MS)).toISOString() };
    const taken = takeRemote(s, o, remote, spec, task, claim);
    if ("holder" in taken) {
      last = heldReport(spec, task, taken.holder, remote);
      if (o.task !== undefined) return last;
      skip.add(task);
      continue;
    }
    const local = await claimLocal(s, o, ledger, spec, task, agent).catch((err: unknown) => {
      deleteClaim(o.cwd, s.env, remote, spec, task, taken.sha);
      throw err;
    });
    if (local.outcome === "claimed") {
      record(s, o, ledger, local, { name: remote, sha: taken.sha });
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
        if (o.remote === undefined) record(s, o, ledger, r);
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
function remoteOf(s: Setting, o: HoldOptions, ledger: Ledger, specId: string): { name: string; sha: string; agent: string } | undefined {
  const entry = ledger.get(specId, o.task);
  const name = o.remote ?? entry?.remote?.name;
  if (name === undefined) return undefined;
  assertRemote(o.cwd, name);
  const seen = readRemoteClaim(o.cwd, s.env, name, specId, o.task);
  return seen === undefined ? undefined : { name, sha: seen.sha, agent: seen.agent };
}

async function hold(o: HoldOptions, command: "release" | "renew"): Promise<HoldReport> {
  const agent = assertAgent(o.agent);
  const s = setting(o);
  const specId = resolveSpec(o.spec, s.loc.specsDir, o.cwd).id;
  const scope: Scope = o.remote !== undefined ? "remote" : s.commonDir !== undefined ? "worktree" : "checkout";
  let remoteRef: string | null = null;
  const result = await withLedger(s.commonDir, s.timeoutMs, async (ledger) => {
    const held = ledger.heldFor(specId, s.nowMs);
    const input = { task: o.task, agent, nowMs: s.nowMs, held, force: o.force === true, leaseMs: o.leaseMs ?? DEFAULT_LEASE_MS };
    // The remote holds the claim that counts across machines: one taken over there (after this
    // agent's lease ran out) is no longer this agent's to renew or release.
    const remote = remoteOf(s, o, ledger, specId);
    if (remote !== undefined && remote.agent !== agent && o.force !== true) {
      throw new ConflictError(
        "claim-held",
        `task ${JSON.stringify(o.task)} of ${specId} is claimed on ${remote.name} by ${remote.agent}; nothing was changed`,
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
    if (remote !== undefined && (remote.agent === agent || o.force === true)) {
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
          { agent, claimed_at: entry?.claimed_at ?? until, lease_expires_at: until, state: "claimed" },
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
    // Taken over on the remote meanwhile: that claim is someone else's; never overwrite it.
    if (seen === undefined || seen.agent !== entry.agent) return { remote_ref: null };
    const ts = new Date(nowMs).toISOString();
    pushClaim(
      o.cwd,
      env,
      entry.remote.name,
      o.spec,
      o.task,
      { agent: o.agent ?? entry.agent, claimed_at: entry.claimed_at, lease_expires_at: ts, state: "completed" },
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
