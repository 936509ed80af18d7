/**
 * Three-way merge of JSON documents (specs, work items, any JSON), for the git merge
 * driver (docs/branches.md). Pure: values in, merged value, conflicts and notes out.
 *
 * Each side's changes against the base are combined:
 * - a value unchanged on one side takes the other side's; identical changes are taken once;
 * - objects merge key by key; a key deleted on one side and changed on the other conflicts;
 * - arrays of strings (spec `children`, `dependencies.*`, tags, …) merge as sets: base order,
 *   keeping what neither side removed, then ours' additions, then theirs';
 * - arrays of objects with a `key` (work-item `fields`) merge item by item, keeping order;
 * - arrays that both sides only appended to keep both appends (base, ours', theirs');
 * - a spec's top-level `journal` is the union of both sides' entries, each kept once, in
 *   timestamp order;
 * - anything else changed differently on both sides is a conflict.
 *
 * Spec status rule: when both sides changed a node's status differently, the one further
 * along wins (completed > in_progress > pending) and brings its tracking metadata with it;
 * a difference involving `blocked` is a conflict. Roll-ups are recomputed afterwards.
 */
import { pointerOf } from "../json/source.js";
import { applyRollup, type RollupChange } from "../spec/rollup.js";
import { journaledTypesOf, isObject, type JsonObject } from "../spec/model.js";

export type MergeKind = "spec" | "work-item" | "json";

export interface MergeConflict {
  pointer: string;
  /** undefined when that side deleted the value. */
  ours: unknown;
  theirs: unknown;
}

export interface MergeResult {
  merged: unknown;
  conflicts: MergeConflict[];
  notes: string[];
}

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
] as const;

const STATUS_RANK: Readonly<Record<string, number>> = { pending: 0, in_progress: 1, completed: 2 };

const JOURNALED_TYPES: ReadonlySet<string> = journaledTypesOf(undefined);

/** A member missing from an object (deleted, or never there). */
const ABSENT: unique symbol = Symbol("absent");
type Slot = unknown;

type Path = readonly (string | number)[];

function deepEqual(a: Slot, b: Slot): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) if (!Object.hasOwn(bo, k) || !deepEqual(ao[k], bo[k])) return false;
  return true;
}

/** JSON with sorted keys: equal values give equal text whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return "[" + v.map(canonicalJson).join(",") + "]";
  if (isObject(v)) {
    return (
      "{" +
      Object.keys(v)
        .sort()
        .map((k) => JSON.stringify(k) + ":" + canonicalJson(v[k]))
        .join(",") +
      "}"
    );
  }
  return JSON.stringify(v) ?? "null";
}

/** Set a member, also one named "__proto__", as an own property. */
function setOwn(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function member(obj: Slot, key: string): Slot {
  return isObject(obj) && Object.hasOwn(obj, key) ? obj[key] : ABSENT;
}

function isStringArray(v: Slot): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

function isKeyedArray(v: Slot): v is JsonObject[] {
  return Array.isArray(v) && v.every((x) => isObject(x) && typeof x.key === "string");
}

function timeOf(v: unknown): number {
  const t = typeof v === "string" ? Date.parse(v) : Number.NaN;
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** The later of two timestamps (ISO strings); a side without one gives way to the other. */
function laterTimestamp(a: unknown, b: unknown): string | undefined {
  if (typeof a !== "string") return typeof b === "string" ? b : undefined;
  if (typeof b !== "string") return a;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return a >= b ? a : b;
  return tb > ta ? b : a;
}

/**
 * Order for the members of a merge: `primary`'s order, with each member only `secondary`
 * has placed next to its neighbours in `secondary`.
 */
function mergeOrder(primary: readonly string[], secondary: readonly string[], keep: (k: string) => boolean): string[] {
  const out = primary.filter(keep);
  const placed = new Set(out);
  for (let i = 0; i < secondary.length; i++) {
    const k = secondary[i] as string;
    if (placed.has(k) || !keep(k)) continue;
    // After the nearest member before it, else before the nearest one after it, else last.
    let at = -1;
    for (let j = i - 1; j >= 0 && at < 0; j--) {
      const p = out.indexOf(secondary[j] as string);
      if (p >= 0) at = p + 1;
    }
    for (let j = i + 1; j < secondary.length && at < 0; j++) at = out.indexOf(secondary[j] as string);
    out.splice(at < 0 ? out.length : at, 0, k);
    placed.add(k);
  }
  return out;
}

/** Whether the members common to `base` and `side` appear in a different order in `side`. */
function reordered(base: readonly string[], side: readonly string[]): boolean {
  const inSide = new Set(side);
  const inBase = new Set(base);
  const a = base.filter((k) => inSide.has(k));
  const b = side.filter((k) => inBase.has(k));
  return a.some((k, i) => b[i] !== k);
}

class Merger {
  readonly conflicts: MergeConflict[] = [];
  readonly notes: string[] = [];

  constructor(readonly kind: MergeKind) {}

  conflict(path: Path, ours: Slot, theirs: Slot): Slot {
    this.conflicts.push({
      pointer: pointerOf(path),
      ours: ours === ABSENT ? undefined : ours,
      theirs: theirs === ABSENT ? undefined : theirs,
    });
    return ours;
  }

  merge(base: Slot, ours: Slot, theirs: Slot, path: Path): Slot {
    if (deepEqual(ours, theirs)) return ours;
    if (deepEqual(base, ours)) return theirs;
    if (deepEqual(base, theirs)) return ours;
    if (this.kind === "spec") {
      const special = this.mergeSpecValue(base, ours, theirs, path);
      if (special !== undefined) return special.value;
    }
    if (isObject(ours) && isObject(theirs)) return this.mergeObject(isObject(base) ? base : {}, ours, theirs, path);
    if (Array.isArray(ours) && Array.isArray(theirs)) {
      const b = Array.isArray(base) ? base : [];
      if (isStringArray(ours) && isStringArray(theirs) && isStringArray(b)) return mergeStringSets(b, ours, theirs);
      if (isKeyedArray(ours) && isKeyedArray(theirs) && isKeyedArray(b)) return this.mergeKeyed(b, ours, theirs, path);
      const appended = mergeAppends(b, ours, theirs);
      if (appended !== undefined) return appended;
    }
    return this.conflict(path, ours, theirs);
  }

  /** Spec values with their own rule; undefined when the generic merge applies. */
  mergeSpecValue(base: Slot, ours: Slot, theirs: Slot, path: Path): { value: Slot } | undefined {
    const [top, id, key] = path;
    if (path.length === 1 && top === "last_updated") {
      // Set again after the merge; never a conflict.
      return { value: laterTimestamp(ours, theirs) ?? ours };
    }
    if (path.length === 1 && top === "journal" && Array.isArray(ours) && Array.isArray(theirs)) {
      return { value: mergeJournal(Array.isArray(base) ? base : [], ours, theirs) };
    }
    // Roll-up values are recomputed after the merge, so either side's will do.
    const derived =
      (path.length === 3 && top === "hierarchy" && (key === "total_tasks" || key === "completed_tasks")) ||
      (path.length === 2 && top === "metadata" && id === "progress_percentage");
    if (derived && ours !== ABSENT && theirs !== ABSENT) return { value: ours };
    if (path.length === 2 && top === "hierarchy" && isObject(ours) && isObject(theirs)) {
      return { value: this.mergeNode(isObject(base) ? base : {}, ours, theirs, path) };
    }
    return undefined;
  }

  /**
   * A hierarchy node: settle the status first (the status rule), give the losing side the
   * winner's tracking metadata, then merge the rest key by key.
   */
  mergeNode(base: JsonObject, ours: JsonObject, theirs: JsonObject, path: Path): JsonObject {
    const where = pointerOf(path);
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
          this.notes.push(`${where}: status ${String(win)} (${side}) wins over ${String(lose)}, with its tracking metadata`);
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
          this.notes.push(`${where}: both sides set ${kept.join(", ")} for the same status; ours kept`);
        }
      }
    }
    return this.mergeObject(base, o, t, path);
  }

  mergeObject(base: JsonObject, ours: JsonObject, theirs: JsonObject, path: Path): JsonObject {
    const values = new Map<string, Slot>();
    for (const k of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
      values.set(k, this.merge(member(base, k), member(ours, k), member(theirs, k), [...path, k]));
    }
    const keep = (k: string): boolean => values.has(k) && values.get(k) !== ABSENT;
    const out: JsonObject = {};
    for (const k of mergeOrder(Object.keys(ours), Object.keys(theirs), keep)) setOwn(out, k, values.get(k));
    return out;
  }

  /** Items identified by their `key` (and, for a repeated key, its occurrence). */
  mergeKeyed(base: JsonObject[], ours: JsonObject[], theirs: JsonObject[], path: Path): JsonObject[] {
    const ids = (items: JsonObject[]): string[] => {
      const seen = new Map<string, number>();
      return items.map((item) => {
        const key = item.key as string;
        const n = seen.get(key) ?? 0;
        seen.set(key, n + 1);
        return `${key}\u0000${n}`;
      });
    };
    const [bIds, oIds, tIds] = [ids(base), ids(ours), ids(theirs)];
    const at = (list: JsonObject[], idList: string[], id: string): Slot => {
      const i = idList.indexOf(id);
      return i < 0 ? ABSENT : list[i];
    };
    const values = new Map<string, Slot>();
    for (const id of new Set([...oIds, ...tIds])) {
      const oi = oIds.indexOf(id);
      const index = oi >= 0 ? oi : tIds.indexOf(id);
      values.set(id, this.merge(at(base, bIds, id), at(ours, oIds, id), at(theirs, tIds, id), [...path, index]));
    }
    const keep = (id: string): boolean => values.has(id) && values.get(id) !== ABSENT;
    // A reordering made on one side only is kept.
    const theirsOrder = reordered(bIds, tIds) && !reordered(bIds, oIds);
    const order = theirsOrder ? mergeOrder(tIds, oIds, keep) : mergeOrder(oIds, tIds, keep);
    return order.map((id) => values.get(id) as JsonObject);
  }
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

function mergeStringSets(base: string[], ours: string[], theirs: string[]): string[] {
  const inBase = new Set(base);
  const inOurs = new Set(ours);
  const inTheirs = new Set(theirs);
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (x: string): void => {
    if (seen.has(x)) return;
    seen.add(x);
    out.push(x);
  };
  for (const x of base) if (inOurs.has(x) && inTheirs.has(x)) add(x);
  for (const x of ours) if (!inBase.has(x)) add(x);
  for (const x of theirs) if (!inBase.has(x)) add(x);
  return out;
}

/** When both sides only appended to the base: the base, ours' items, then theirs' new ones. */
function mergeAppends(base: unknown[], ours: unknown[], theirs: unknown[]): unknown[] | undefined {
  const extends_ = (side: unknown[]): boolean => side.length >= base.length && base.every((x, i) => deepEqual(x, side[i]));
  if (!extends_(ours) || !extends_(theirs)) return undefined;
  const out = [...ours];
  const have = new Set(ours.slice(base.length).map(canonicalJson));
  for (const x of theirs.slice(base.length)) if (!have.has(canonicalJson(x))) out.push(x);
  return out;
}

/**
 * The union of both journals, each entry once (identical entries compared as canonical
 * JSON), in timestamp order; entries with the same time keep base, ours, theirs order.
 */
function mergeJournal(base: unknown[], ours: unknown[], theirs: unknown[]): unknown[] {
  const onASide = new Set([...ours, ...theirs].map(canonicalJson));
  const seen = new Set<string>();
  const entries: unknown[] = [];
  for (const e of [...base, ...ours, ...theirs]) {
    const c = canonicalJson(e);
    // A base entry both sides deleted stays deleted.
    if (seen.has(c) || !onASide.has(c)) continue;
    seen.add(c);
    entries.push(e);
  }
  // Array.prototype.sort is stable, so equal times keep the order above.
  return entries
    .map((e, i) => ({ e, i, t: timeOf(isObject(e) ? e.timestamp : undefined) }))
    .sort((a, b) => (a.t === b.t ? a.i - b.i : a.t < b.t ? -1 : 1))
    .map((x) => x.e);
}

function describeRollup(h: JsonObject, changes: RollupChange[]): string[] {
  return changes.map((c) => {
    const n = h[c.id];
    const needsJournal = c.to === "completed" && isObject(n) && isObject(n.metadata) && n.metadata.needs_journaling === true;
    return `/hierarchy/${c.id}: ${c.from} -> ${c.to} by roll-up after the merge${needsJournal ? "; it needs a journal entry" : ""}`;
  });
}

export function mergeJson(base: unknown, ours: unknown, theirs: unknown, kind: MergeKind): MergeResult {
  const merger = new Merger(kind);
  // `undefined` stands for "no base" (both sides added the file).
  const b: Slot = base === undefined ? ABSENT : base;
  const value = merger.merge(b, ours, theirs, []);
  const merged: unknown = value === ABSENT ? null : structuredClone(value);
  if (kind === "spec" && merger.conflicts.length === 0 && isObject(merged)) {
    const sideTime = laterTimestamp(member(ours, "last_updated"), member(theirs, "last_updated"));
    if (sideTime !== undefined) merged.last_updated = sideTime;
    const changes = applyRollup(merged, {
      timestamp: sideTime ?? new Date().toISOString(),
      journaledTypes: JOURNALED_TYPES,
    });
    if (isObject(merged.hierarchy)) merger.notes.push(...describeRollup(merged.hierarchy, changes));
  }
  return { merged, conflicts: merger.conflicts, notes: merger.notes };
}
