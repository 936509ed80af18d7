/**
 * Claims on tasks (docs/agents.md), as pure planning: the patch that claims, renews or
 * releases one. A claim lives in the task's node metadata (\`claimed_by\`, \`claimed_at\`,
 * \`lease_expires_at\`); claims held elsewhere (another worktree's ledger, a remote) are
 * passed in as data, so this module never reads disk.
 */
import type { Operation } from "fast-json-patch";
import { editNode, getNode } from "./node.js";
import { transition } from "./status.js";
import { hierarchyOf, summarize } from "../spec/queries.js";
import { isObject, own, type JsonObject } from "../spec/model.js";
import type { Plan, PlanContext } from "../spec/plan.js";
import { claimOf, DEFAULT_LEASE_MS, isLive, readiness, readyTasks, type Claim, type HeldClaims } from "./claim-state.js";

export { CLAIM_KEYS } from "../spec/model.js";
export * from "./claim-state.js";

export type ClaimResult =
  | {
      outcome: "claimed";
      spec_id: string;
      task_id: string;
      title: string;
      agent: string;
      claimed_at: string;
      lease_expires_at: string;
      /** The agent already held it: the lease was extended. */
      renewed: boolean;
      /** The agent whose expired lease was taken over. */
      reclaimed_from: string | null;
    }
  | { outcome: "held"; spec_id: string; task_id: string; held_by: string | null; lease_expires_at: string | null; reason: string }
  | { outcome: "none"; spec_id: string; task_id: string | null; reason: string };

export interface ClaimInput {
  /** The task to claim; else the first ready one not in `skip`. */
  task?: string | undefined;
  agent: string;
  leaseMs: number;
  nowMs: number;
  held: HeldClaims;
  skip?: ReadonlySet<string>;
}

function expiry(nowMs: number, leaseMs: number): string {
  return new Date(nowMs + leaseMs).toISOString();
}

/** Claim a task: it becomes in_progress with its owner and lease in node metadata. */
export function planClaim(ctx: PlanContext, input: ClaimInput): Plan<ClaimResult> {
  const { doc, ref } = ctx;
  const specId = ref.id;
  let task = input.task;
  if (task === undefined) {
    const first = readyTasks(doc, specId, input.held, input.nowMs).find((t) => input.skip?.has(t.task_id) !== true);
    if (first === undefined)
      return { ops: [], result: { outcome: "none", spec_id: specId, task_id: null, reason: `no ready task in ${specId}` } };
    task = first.task_id;
  } else {
    getNode(doc, task, specId, ref.file);
  }
  const node = own(hierarchyOf(doc), task);
  const mine = claimOf(node);
  const held = input.held.get(task);
  const title = summarize(hierarchyOf(doc), task).title;
  const until = expiry(input.nowMs, input.leaseMs);
  const claimed = (ops: Operation[], claimedAt: string, renewed: boolean, reclaimedFrom: string | null): Plan<ClaimResult> => ({
    ops,
    result: {
      outcome: "claimed",
      spec_id: specId,
      task_id: task,
      title,
      agent: input.agent,
      claimed_at: claimedAt,
      lease_expires_at: until,
      renewed,
      reclaimed_from: reclaimedFrom,
    },
  });
  // Claiming again what one already holds renews it.
  if (isLive(mine, input.nowMs) && mine.agent === input.agent && isObject(node) && node.status === "in_progress") {
    const ops = editNode(doc, task, ref.file, (n) => {
      n.metadata.lease_expires_at = until;
    });
    return claimed(ops, mine.claimed_at, true, null);
  }
  const r = readiness(doc, task, held, input.nowMs);
  if (!r.ready) {
    if (r.why === "held") {
      const who = r.claim === null ? "in progress without a claim" : `held by ${r.claim.agent} until ${r.claim.lease_expires_at}`;
      return {
        ops: [],
        result: {
          outcome: "held",
          spec_id: specId,
          task_id: task,
          held_by: r.claim?.agent ?? null,
          lease_expires_at: r.claim?.lease_expires_at ?? null,
          reason: `${task} is ${who}`,
        },
      };
    }
    return { ops: [], result: { outcome: "none", spec_id: specId, task_id: task, reason: r.reason } };
  }
  const ts = new Date(input.nowMs).toISOString();
  const ops = editNode(doc, task, ref.file, (n) => {
    if (n.status !== "in_progress") transition(n, "in_progress", { timestamp: ts, journaled: false });
    n.metadata.claimed_by = input.agent;
    n.metadata.claimed_at = ts;
    n.metadata.lease_expires_at = until;
  });
  return claimed(ops, ts, false, r.expired?.agent === input.agent ? null : (r.expired?.agent ?? null));
}

export type HoldResult =
  | { outcome: "released" | "renewed"; spec_id: string; task_id: string; agent: string; lease_expires_at: string | null; status: string }
  | { outcome: "held"; spec_id: string; task_id: string; held_by: string | null; lease_expires_at: string | null; reason: string }
  | { outcome: "none"; spec_id: string; task_id: string; reason: string };

export interface HoldInput {
  task: string;
  agent: string;
  nowMs: number;
  held: HeldClaims;
  /** release: let go of another agent's claim. */
  force?: boolean;
  /** renew: the new lease. */
  leaseMs?: number;
}

/** The claim `agent` may act on, or why not. */
function holderCheck(
  ctx: PlanContext,
  input: HoldInput,
): { claim: Claim; node: JsonObject } | Exclude<HoldResult, { outcome: "released" | "renewed" }> {
  const { doc, ref } = ctx;
  const node = getNode(doc, input.task, ref.id, ref.file) as unknown as JsonObject;
  const claim = claimOf(node);
  const elsewhere = input.held.get(input.task);
  // `held` is other holders' only (the caller leaves its own out): an agent of the same
  // name elsewhere is another holder.
  const other =
    [claim].find((c) => isLive(c, input.nowMs) && c.agent !== input.agent) ?? (isLive(elsewhere, input.nowMs) ? elsewhere : undefined);
  if (other !== undefined && input.force !== true) {
    return {
      outcome: "held",
      spec_id: ref.id,
      task_id: input.task,
      held_by: other.agent,
      lease_expires_at: other.lease_expires_at,
      reason: `${input.task} is held by ${other.agent} until ${other.lease_expires_at}`,
    };
  }
  if (claim === undefined || node.status !== "in_progress") {
    return { outcome: "none", spec_id: ref.id, task_id: input.task, reason: `${input.task} is not claimed (it is ${String(node.status)})` };
  }
  return { claim, node };
}

/** Give a claim up: the task goes back to pending, its claim removed. */
export function planRelease(ctx: PlanContext, input: HoldInput): Plan<HoldResult> {
  const check = holderCheck(ctx, input);
  if (!("claim" in check)) return { ops: [], result: check };
  const ops = editNode(ctx.doc, input.task, ctx.ref.file, (n) => {
    transition(n, "pending", { timestamp: ctx.timestamp, journaled: false });
  });
  return {
    ops,
    result: {
      outcome: "released",
      spec_id: ctx.ref.id,
      task_id: input.task,
      agent: check.claim.agent,
      lease_expires_at: null,
      status: "pending",
    },
  };
}

/** Extend one's own lease (an expired one too, while nobody else has taken the task). */
export function planRenew(ctx: PlanContext, input: HoldInput): Plan<HoldResult> {
  const check = holderCheck(ctx, { ...input, force: false });
  if (!("claim" in check)) return { ops: [], result: check };
  if (check.claim.agent !== input.agent) {
    return {
      ops: [],
      result: {
        outcome: "held",
        spec_id: ctx.ref.id,
        task_id: input.task,
        held_by: check.claim.agent,
        lease_expires_at: check.claim.lease_expires_at,
        reason: `${input.task} was claimed by ${check.claim.agent}, not ${input.agent}`,
      },
    };
  }
  const until = expiry(input.nowMs, input.leaseMs ?? DEFAULT_LEASE_MS);
  const ops = editNode(ctx.doc, input.task, ctx.ref.file, (n) => {
    n.metadata.lease_expires_at = until;
  });
  return {
    ops,
    result: {
      outcome: "renewed",
      spec_id: ctx.ref.id,
      task_id: input.task,
      agent: input.agent,
      lease_expires_at: until,
      status: "in_progress",
    },
  };
}
