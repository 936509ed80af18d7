/**
 * Spec hierarchy nodes in a merge: the status rule and the tracking metadata that travels
 * with a status, and the roll-up notes.
 *
 * Status rule: when both sides changed a node's status differently, the one further along
 * wins (completed > in_progress > pending) and brings its tracking metadata with it; a
 * difference involving `blocked` is a conflict.
 */
import { isObject, type JsonObject } from "../spec/model.js";
import type { RollupChange } from "../spec/rollup.js";
import { ABSENT, deepEqual, member, setOwn, type Path, type Slot } from "./values.js";
import { pointerOf } from "../json/source.js";

/** Node metadata that a status transition owns; it travels with the status that wins. */
export const TRACKING_KEYS = [
  "started_at",
  "completed_at",
  "needs_journaling",
  "journaled_at",
  "blocked_at",
  "blocker_type",
  "blocker_description",
  "blocker_ticket",
  "blocked_by_external",
  "status_note",
  "claimed_by",
  "claimed_at",
  "lease_expires_at",
  "completed_by",
] as const;

const STATUS_RANK: Readonly<Record<string, number>> = { pending: 0, in_progress: 1, completed: 2 };

/** What the node rule needs from the merge it is part of. */
export interface NodeMergeContext {
  notes: string[];
  conflict(path: Path, ours: Slot, theirs: Slot): Slot;
  mergeObject(base: JsonObject, ours: JsonObject, theirs: JsonObject, path: Path): JsonObject;
}

/** The agent a side claimed or completed a node under, when that side changed it. */
function agentChange(base: JsonObject, side: JsonObject): string | undefined {
  const agentOf = (n: JsonObject): unknown => {
    const md = member(n, "metadata");
    const by = member(md, "completed_by");
    return typeof by === "string" ? by : member(md, "claimed_by");
  };
  const a = agentOf(side);
  return typeof a === "string" && !deepEqual(a, agentOf(base)) ? a : undefined;
}

/** `to` with the status and tracking metadata of `from` (present or absent alike). */
function withTrackingOf(to: JsonObject, from: JsonObject): JsonObject {
  const out: JsonObject = { ...to };
  const status = member(from, "status");
  if (status === ABSENT) delete out.status;
  else out.status = status;
  const fm = member(from, "metadata");
  const tm = member(to, "metadata");
  const md: JsonObject = isObject(tm) ? { ...tm } : {};
  for (const k of TRACKING_KEYS) {
    const v = member(fm, k);
    if (v === ABSENT) delete md[k];
    else md[k] = v;
  }
  if (isObject(tm) || Object.keys(md).length > 0) out.metadata = md;
  return out;
}

/**
 * A hierarchy node: settle the status first (the status rule), give the losing side the
 * winner's tracking metadata, then merge the rest key by key.
 */
export function mergeNode(ctx: NodeMergeContext, base: JsonObject, ours: JsonObject, theirs: JsonObject, path: Path): JsonObject {
  const where = pointerOf(path);
  // Two agents took (or finished) the same task on two branches: a person decides.
  const oursAgent = agentChange(base, ours);
  const theirsAgent = agentChange(base, theirs);
  if (oursAgent !== undefined && theirsAgent !== undefined && oursAgent !== theirsAgent) {
    ctx.conflict([...path, "metadata"], member(ours, "metadata"), member(theirs, "metadata"));
    ctx.notes.push(`${where}: claimed or completed by ${oursAgent} (ours) and by ${theirsAgent} (theirs)`);
    return ours;
  }
  const bs = member(base, "status");
  const os = member(ours, "status");
  const ts = member(theirs, "status");
  let o = ours;
  let t = theirs;
  if (!deepEqual(os, ts)) {
    const oursChanged = !deepEqual(bs, os);
    const theirsChanged = !deepEqual(bs, ts);
    if (oursChanged && theirsChanged) {
      const or = typeof os === "string" ? STATUS_RANK[os] : undefined;
      const tr = typeof ts === "string" ? STATUS_RANK[ts] : undefined;
      // Otherwise (blocked, or an unknown status) the generic merge reports the conflict.
      if (or !== undefined && tr !== undefined) {
        if (or > tr) t = withTrackingOf(theirs, ours);
        else o = withTrackingOf(ours, theirs);
        const [win, side, lose] = or > tr ? [os, "ours", ts] : [ts, "theirs", os];
        ctx.notes.push(`${where}: status ${String(win)} (${side}) wins over ${String(lose)}, with its tracking metadata`);
      }
    } else if (oursChanged) {
      t = withTrackingOf(theirs, ours);
    } else {
      o = withTrackingOf(ours, theirs);
    }
  } else {
    // Same status on both sides, tracking metadata changed differently on both: ours.
    const bm = member(base, "metadata");
    const om = member(o, "metadata");
    const tm = member(t, "metadata");
    if (isObject(om) && isObject(tm)) {
      const kept: string[] = [];
      const adjusted: JsonObject = { ...tm };
      for (const k of TRACKING_KEYS) {
        const b = member(bm, k);
        const ov = member(om, k);
        const tv = member(tm, k);
        if (deepEqual(ov, tv) || deepEqual(b, ov) || deepEqual(b, tv)) continue;
        if (ov === ABSENT) delete adjusted[k];
        else setOwn(adjusted, k, ov);
        kept.push(k);
      }
      if (kept.length > 0) {
        t = { ...t, metadata: adjusted };
        ctx.notes.push(`${where}: both sides set ${kept.join(", ")} for the same status; ours kept`);
      }
    }
  }
  return ctx.mergeObject(base, o, t, path);
}

export function describeRollup(h: JsonObject, changes: RollupChange[]): string[] {
  return changes.map((c) => {
    const n = h[c.id];
    const needsJournal = c.to === "completed" && isObject(n) && isObject(n.metadata) && n.metadata.needs_journaling === true;
    return `/hierarchy/${c.id}: ${c.from} -> ${c.to} by roll-up after the merge${needsJournal ? "; it needs a journal entry" : ""}`;
  });
}
