/**
 * Three-way merge of JSON documents (specs, work items, any JSON), for the git merge
 * driver (docs/branches.md). Pure: values in, merged value, conflicts and notes out.
 *
 * Each side's changes against the base are combined:
 * - a value unchanged on one side takes the other side's; identical changes are taken once;
 * - objects merge key by key; a key deleted on one side and changed on the other conflicts;
 * - arrays of distinct strings (a node's `children`, tags, …) merge as sequences: what each
 *   side added or removed, in the order of the side that reordered them (order.ts); two
 *   different reorderings conflict. A node's `dependencies.*` lists merge as sets: base
 *   order, keeping what neither side removed, then ours' additions, then theirs';
 * - arrays of strings with repeats (legacy notes lines) only merge when both sides appended;
 * - arrays of objects with a `key` (work-item `fields`) merge item by item, in the order of
 *   the side that reordered them; two different reorderings conflict;
 * - arrays that both sides only appended to keep both appends (base, ours', theirs');
 * - a spec's top-level `journal` merges entry by entry (journal.ts);
 * - anything else changed differently on both sides is a conflict.
 *
 * Spec nodes follow the status rule (hierarchy.ts). Roll-ups are recomputed afterwards.
 */
import jsonpatch from "fast-json-patch";
import { pointerOf } from "../json/source.js";
import { applyRollup, touchedNodes } from "../spec/rollup.js";
import { journaledTypesOf, isObject, type JsonObject } from "../spec/model.js";
import { describeRollup, mergeNode } from "./hierarchy.js";
import { mergeJournal } from "./journal.js";
import { distinct, keptMember, mergeAppends, mergeOrder, mergeSequence, mergeStringSets } from "./order.js";
import { ABSENT, deepEqual, isKeyedArray, isStringArray, laterTimestamp, member, setOwn, type Path, type Slot } from "./values.js";

export { canonicalJson } from "./values.js";
export { TRACKING_KEYS } from "./hierarchy.js";

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

const JOURNALED_TYPES: ReadonlySet<string> = journaledTypesOf(undefined);

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
      if (isStringArray(ours) && isStringArray(theirs) && isStringArray(b) && distinct(b) && distinct(ours) && distinct(theirs)) {
        return this.mergeStrings(b, ours, theirs, path);
      }
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
      const b = Array.isArray(base) ? base : [];
      return { value: mergeJournal(b, ours, theirs, path, (p, o, t) => this.conflict(p, o, t)) };
    }
    // Roll-up values are recomputed after the merge, so either side's will do.
    const derived =
      (path.length === 3 && top === "hierarchy" && (key === "total_tasks" || key === "completed_tasks")) ||
      (path.length === 2 && top === "metadata" && id === "progress_percentage");
    if (derived && ours !== ABSENT && theirs !== ABSENT) return { value: ours };
    if (path.length === 2 && top === "hierarchy" && isObject(ours) && isObject(theirs)) {
      return { value: mergeNode(this, isObject(base) ? base : {}, ours, theirs, path) };
    }
    return undefined;
  }

  /**
   * A list of distinct strings: a node's `children`, tags, prose lists. Its order means
   * something, so one side's reordering is a change to keep, and two different ones conflict;
   * a node's dependency lists are sets, whose order nobody reads.
   */
  mergeStrings(base: string[], ours: string[], theirs: string[], path: Path): Slot {
    if (this.kind === "spec" && path.length === 4 && path[0] === "hierarchy" && path[2] === "dependencies") {
      return mergeStringSets(base, ours, theirs);
    }
    const order = mergeSequence(base, ours, theirs, keptMember(base, ours, theirs));
    return order ?? this.conflict(path, ours, theirs);
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

  /** Items identified by their `key`. */
  mergeKeyed(base: JsonObject[], ours: JsonObject[], theirs: JsonObject[], path: Path): Slot {
    const ids = (items: JsonObject[]): string[] => items.map((item) => item.key as string);
    // Items sharing a key cannot be told apart (deleting the first of two looks like
    // editing it into the second), so such a list merges only by appends.
    if (![base, ours, theirs].every((list) => distinct(ids(list)))) {
      return mergeAppends(base, ours, theirs) ?? this.conflict(path, ours, theirs);
    }
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
    const order = mergeSequence(bIds, oIds, tIds, keep);
    if (order === undefined) return this.conflict(path, ours, theirs);
    return order.map((id) => values.get(id) as JsonObject);
  }
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
    // Roll-ups on the nodes either side changed and their ancestors, as for any write.
    const changed = isObject(base) ? touchedNodes(jsonpatch.compare(base, merged)) : undefined;
    const changes = applyRollup(merged, {
      timestamp: sideTime ?? new Date().toISOString(),
      journaledTypes: JOURNALED_TYPES,
      ...(changed === undefined ? {} : { changed }),
    });
    if (isObject(merged.hierarchy)) merger.notes.push(...describeRollup(merged.hierarchy, changes));
  }
  return { merged, conflicts: merger.conflicts, notes: merger.notes };
}
