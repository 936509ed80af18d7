/**
 * A spec's top-level `journal`, merged three-way. An entry is identified by its timestamp,
 * `task_id` and `entry_type` (what a write records it under; its title and content are what
 * an edit changes). Per entry: changed on one side only takes that side's version (an edit
 * or a deletion); changed the same way on both is taken once; changed differently on both
 * (two edits, or an edit and a deletion, or two different entries added under one identity)
 * is a conflict. The result is in timestamp order; entries with the same time keep the
 * order base, ours, theirs.
 *
 * Entries that share an identity within one version cannot be told apart, so all the
 * entries under that identity are merged as one group: one side's change to the group is
 * taken, changes on both sides conflict.
 */
import { isObject } from "../spec/model.js";
import { ABSENT, canonicalJson, deepEqual, timeOf, type Path, type Slot } from "./values.js";

export type ConflictAt = (path: Path, ours: Slot, theirs: Slot) => void;

function identityOf(e: unknown): string {
  if (!isObject(e)) return "value\u0000" + canonicalJson(e);
  const part = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : canonicalJson(v ?? null));
  return ["entry", part(e.timestamp), part(e.task_id), part(e.entry_type)].join("\u0000");
}

/** Each identity's entries in one version, and the index of its first one. */
function groups(journal: unknown[]): Map<string, { entries: unknown[]; index: number }> {
  const out = new Map<string, { entries: unknown[]; index: number }>();
  journal.forEach((e, index) => {
    const id = identityOf(e);
    const g = out.get(id);
    if (g === undefined) out.set(id, { entries: [e], index });
    else g.entries.push(e);
  });
  return out;
}

export function mergeJournal(base: unknown[], ours: unknown[], theirs: unknown[], path: Path, conflict: ConflictAt): unknown[] {
  const [b, o, t] = [groups(base), groups(ours), groups(theirs)];
  const merged: unknown[] = [];
  for (const id of new Set([...b.keys(), ...o.keys(), ...t.keys()])) {
    const [bg, og, tg] = [b.get(id), o.get(id), t.get(id)];
    const group = Math.max(bg?.entries.length ?? 0, og?.entries.length ?? 0, tg?.entries.length ?? 0) > 1;
    // One entry (or ABSENT) per side, or the whole group when the identity repeats.
    const value = (g: typeof bg): Slot => (g === undefined ? ABSENT : group ? g.entries : g.entries[0]);
    const [bv, ov, tv] = [value(bg), value(og), value(tg)];
    let taken: Slot;
    if (deepEqual(ov, tv) || deepEqual(bv, tv)) taken = ov;
    else if (deepEqual(bv, ov)) taken = tv;
    else {
      conflict([...path, og?.index ?? tg?.index ?? 0], ov, tv);
      taken = ov;
    }
    if (taken === ABSENT) continue;
    merged.push(...(group ? (taken as unknown[]) : [taken]));
  }
  // Array.prototype.sort is stable, so equal times keep the order above.
  return merged
    .map((e, i) => ({ e, i, t: timeOf(isObject(e) ? e.timestamp : undefined) }))
    .sort((x, y) => (x.t === y.t ? x.i - y.i : x.t < y.t ? -1 : 1))
    .map((x) => x.e);
}
