/**
 * What a claim is and what it allows, as pure functions of a spec: the claim recorded on a
 * node, whether a lease is live, which tasks are ready and in which order, and the checks
 * that completion and \`sdd ci\` make against claims.
 */
import { escapePointerToken } from "../json/source.js";
import { UsageError } from "../errors.js";
import type { RawFinding } from "../findings.js";
import { ancestors, hierarchyOf, isWork, summarize, unfinishedBlockers } from "../spec/queries.js";
import { childrenOf, descendants, isObject, own, ROOT_ID, type JsonObject } from "../spec/model.js";

export const DEFAULT_LEASE_MS = 30 * 60_000;

export interface Claim {
  agent: string;
  claimed_at: string;
  lease_expires_at: string;
}

/**
 * Claims known from outside the spec file, by task id: those of other holders (another
 * worktree, even under the same agent name); the caller leaves its own out.
 */
export type HeldClaims = ReadonlyMap<string, Claim>;

/** The claim recorded on a node, if it has a complete one. */
export function claimOf(node: unknown): Claim | undefined {
  if (!isObject(node) || !isObject(node.metadata)) return undefined;
  const md = node.metadata;
  if (typeof md.claimed_by !== "string" || md.claimed_by === "" || typeof md.lease_expires_at !== "string") return undefined;
  return {
    agent: md.claimed_by,
    claimed_at: typeof md.claimed_at === "string" ? md.claimed_at : md.lease_expires_at,
    lease_expires_at: md.lease_expires_at,
  };
}

/** A lease is live until its expiry; an unparseable expiry counts as expired. */
export function isLive(claim: Claim | undefined, nowMs: number): claim is Claim {
  if (claim === undefined) return false;
  const t = Date.parse(claim.lease_expires_at);
  return Number.isFinite(t) && t > nowMs;
}

/** The live claim on a task: the node's own, else one held elsewhere. */
export function liveClaim(node: unknown, held: Claim | undefined, nowMs: number): Claim | undefined {
  const own = claimOf(node);
  if (isLive(own, nowMs)) return own;
  return isLive(held, nowMs) ? held : undefined;
}

const MAX_DURATION_MS = 3650 * 86_400_000;

/** `30m`, `90s`, `2h`, `500ms`, `1d` (a bare number is seconds) in milliseconds. */
export function parseDuration(value: string, option = "--lease"): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const ms = m?.[1] === undefined ? Number.NaN : Math.round(Number(m[1]) * (unit[m[2] ?? "s"] ?? 1000));
  // Past about ten years a lease is no lease, and a date that far out is not representable.
  if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_DURATION_MS) {
    throw new UsageError(`${option} ${JSON.stringify(value)}: give a positive duration such as 30m, 90s or 2h (at most 3650d)`, {
      code: "invalid-duration",
    });
  }
  return ms;
}

export interface ReadyTask {
  spec_id: string;
  task_id: string;
  title: string;
  type: string;
  phase: string | null;
  /** pending, or in_progress under an expired lease (claimable again). */
  status: string;
  /** The expired claim a new claim would replace. */
  expired_claim: Claim | null;
}

function isLeaf(h: JsonObject, id: string): boolean {
  const n = own(h, id);
  return isWork(n) && childrenOf(n).length === 0;
}

/**
 * Leaves of work in the documented order: phases in order (in-progress phases first, as
 * next-task does), leaves in tree order within each, then work hanging directly under the
 * spec root.
 */
export function workOrder(doc: unknown): { id: string; phase: string | null }[] {
  const h = hierarchyOf(doc);
  const top = childrenOf(own(h, ROOT_ID)).filter((id) => isObject(own(h, id)));
  const containers = top.filter((id) => !isLeaf(h, id));
  const ordered = [
    ...containers.filter((p) => summarize(h, p).status === "in_progress"),
    ...containers.filter((p) => summarize(h, p).status !== "in_progress"),
  ];
  const out: { id: string; phase: string | null }[] = [];
  for (const phase of ordered) for (const id of descendants(h, phase)) if (isLeaf(h, id)) out.push({ id, phase });
  for (const id of top) if (isLeaf(h, id)) out.push({ id, phase: null });
  return out;
}

export type Readiness =
  | { ready: true; expired: Claim | null }
  | { ready: false; why: "held"; claim: Claim | null }
  | { ready: false; why: "not-ready"; reason: string };

/** Whether one leaf can be claimed now, and if not, why. */
export function readiness(doc: unknown, id: string, held: Claim | undefined, nowMs: number): Readiness {
  const h = hierarchyOf(doc);
  const node = own(h, id);
  if (!isObject(node)) return { ready: false, why: "not-ready", reason: `${id} does not exist` };
  if (!isWork(node)) return { ready: false, why: "not-ready", reason: `${id} is a ${String(node.type)}, not a task` };
  if (childrenOf(node).length > 0) return { ready: false, why: "not-ready", reason: `${id} has tasks below it; claim one of those` };
  const live = liveClaim(node, held, nowMs);
  const status = String(node.status);
  if (status === "completed") return { ready: false, why: "not-ready", reason: `${id} is completed` };
  if (status === "blocked") return { ready: false, why: "not-ready", reason: `${id} is blocked` };
  const blockedAncestor = ancestors(h, id).find((a) => summarize(h, a).status === "blocked" && a !== ROOT_ID);
  if (blockedAncestor !== undefined) return { ready: false, why: "not-ready", reason: `${blockedAncestor} (above ${id}) is blocked` };
  if (live !== undefined) return { ready: false, why: "held", claim: live };
  const own_ = claimOf(node);
  if (status === "in_progress" && own_ === undefined) return { ready: false, why: "held", claim: null };
  const waiting = unfinishedBlockers(h, id);
  if (waiting.length > 0) {
    return { ready: false, why: "not-ready", reason: `${id} waits for ${waiting.map((w) => `${w.id} [${w.status}]`).join(", ")}` };
  }
  return { ready: true, expired: status === "in_progress" ? (own_ ?? null) : (held ?? null) };
}

/** Every task of one spec that can be claimed now, in work order. */
export function readyTasks(doc: unknown, specId: string, held: HeldClaims, nowMs: number): ReadyTask[] {
  const h = hierarchyOf(doc);
  const out: ReadyTask[] = [];
  for (const { id, phase } of workOrder(doc)) {
    const r = readiness(doc, id, held.get(id), nowMs);
    if (!r.ready) continue;
    const s = summarize(h, id);
    out.push({ spec_id: specId, task_id: id, title: s.title, type: s.type, phase, status: s.status, expired_claim: r.expired });
  }
  return out;
}

/**
 * complete-task by someone other than the live holder needs --force; returns the claim
 * that was overridden, if any.
 */
export function completionGuard(
  node: unknown,
  held: Claim | undefined,
  o: { agent: string | undefined; force: boolean; nowMs: number },
): { holder: Claim | undefined; refused: string | undefined } {
  const live = liveClaim(node, held, o.nowMs);
  if (live === undefined || live.agent === o.agent || o.force) return { holder: live, refused: undefined };
  const as = o.agent === undefined ? "no --agent was given" : `you are ${o.agent}`;
  return { holder: live, refused: `held by ${live.agent} until ${live.lease_expires_at} (${as})` };
}

/** Live claims recorded in a spec's nodes, by task id. */
export function claimsInSpec(doc: unknown, nowMs: number): { task_id: string; claim: Claim; live: boolean }[] {
  const h = hierarchyOf(doc);
  const out: { task_id: string; claim: Claim; live: boolean }[] = [];
  for (const id of Object.keys(h)) {
    const c = claimOf(own(h, id));
    if (c !== undefined) out.push({ task_id: id, claim: c, live: isLive(c, nowMs) });
  }
  return out;
}

/**
 * Completed tasks whose completer is not the live claim holder: the claim recorded on the
 * node (left by a merge or a hand edit) or one held elsewhere (`held`).
 */
export function claimMismatchFindings(doc: unknown, held: HeldClaims, nowMs: number): RawFinding[] {
  const h = hierarchyOf(doc);
  const out: RawFinding[] = [];
  for (const id of Object.keys(h)) {
    const node = own(h, id);
    if (!isObject(node) || node.status !== "completed") continue;
    const md = isObject(node.metadata) ? node.metadata : {};
    const by = typeof md.completed_by === "string" ? md.completed_by : undefined;
    const live = liveClaim(node, held.get(id), nowMs);
    if (live === undefined || live.agent === by) continue;
    out.push({
      code: "completed-by-other-agent",
      severity: "error",
      pointer: `/hierarchy/${escapePointerToken(id)}`,
      message: `${id} was completed by ${by ?? "an unnamed agent"} while ${live.agent} holds a live claim on it (until ${live.lease_expires_at})`,
    });
  }
  return out;
}
