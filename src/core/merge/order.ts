/**
 * The order of a merged sequence (a node's `children`, work-item `fields`, an object's
 * members), from the orders of the base and both sides.
 */
import { canonicalJson, deepEqual } from "./values.js";

/**
 * `primary`'s order of the members `keep` accepts, with each member only `secondary` has
 * placed where `secondary` put it: right after the member it follows there (after any of
 * `primary`'s own additions at that place, so ours come first where both inserted); a
 * member with nothing before it goes first, one with nothing after it goes last.
 */
export function mergeOrder(primary: readonly string[], secondary: readonly string[], keep: (k: string) => boolean): string[] {
  const out = primary.filter(keep);
  const placed = new Set(out);
  const inSecondary = new Set(secondary);
  for (let i = 0; i < secondary.length; i++) {
    const k = secondary[i] as string;
    if (placed.has(k) || !keep(k)) continue;
    let before = -1;
    for (let j = i - 1; j >= 0 && before < 0; j--) before = out.indexOf(secondary[j] as string);
    let hasAfter = false;
    for (let j = i + 1; j < secondary.length && !hasAfter; j++) hasAfter = placed.has(secondary[j] as string);
    let at: number;
    if (!hasAfter) at = out.length;
    else {
      at = before + 1;
      while (at < out.length && !inSecondary.has(out[at] as string)) at++;
    }
    out.splice(at, 0, k);
    placed.add(k);
  }
  return out;
}

/** The members of `list` that are also in every one of `others`, in `list`'s order. */
function common(list: readonly string[], ...others: readonly string[][]): string[] {
  const sets = others.map((o) => new Set(o));
  return list.filter((k) => sets.every((s) => s.has(k)));
}

/** Whether the members common to `base` and `side` appear in a different order in `side`. */
export function reordered(base: readonly string[], side: readonly string[]): boolean {
  const a = common(base, [...side]);
  const b = common(side, [...base]);
  return a.some((k, i) => b[i] !== k);
}

/**
 * The merged order of a sequence of distinct ids: a reordering made on one side only is
 * kept, with the other side's additions placed by `mergeOrder`; the same reordering on both
 * sides is kept too. `undefined` when both sides reordered the members they share
 * differently: no order honours both.
 */
export function mergeSequence(
  base: readonly string[],
  ours: readonly string[],
  theirs: readonly string[],
  keep: (k: string) => boolean,
): string[] | undefined {
  const oursMoved = reordered(base, ours);
  const theirsMoved = reordered(base, theirs);
  if (oursMoved && theirsMoved) {
    const o = common(ours, [...base], [...theirs]);
    const t = common(theirs, [...base], [...ours]);
    if (o.some((k, i) => t[i] !== k)) return undefined;
  }
  return theirsMoved && !oursMoved ? mergeOrder(theirs, ours, keep) : mergeOrder(ours, theirs, keep);
}

/** Whether a list's members are distinct, so that each can stand for its own place. */
export function distinct(list: readonly string[]): boolean {
  return new Set(list).size === list.length;
}

/** Set membership after the merge: a base member stays unless a side removed it; an added one stays. */
export function keptMember(base: readonly string[], ours: readonly string[], theirs: readonly string[]): (k: string) => boolean {
  const [b, o, t] = [new Set(base), new Set(ours), new Set(theirs)];
  return (k) => (b.has(k) ? o.has(k) && t.has(k) : o.has(k) || t.has(k));
}

/** Lists of strings as sets: base order, keeping what neither side removed, then ours' additions, then theirs'. */
export function mergeStringSets(base: string[], ours: string[], theirs: string[]): string[] {
  const keep = keptMember(base, ours, theirs);
  return [...new Set([...base, ...ours, ...theirs])].filter(keep);
}

/** When both sides only appended to the base: the base, ours' items, then theirs' new ones. */
export function mergeAppends(base: unknown[], ours: unknown[], theirs: unknown[]): unknown[] | undefined {
  const extends_ = (side: unknown[]): boolean => side.length >= base.length && base.every((x, i) => deepEqual(x, side[i]));
  if (!extends_(ours) || !extends_(theirs)) return undefined;
  const out = [...ours];
  const have = new Set(ours.slice(base.length).map(canonicalJson));
  for (const x of theirs.slice(base.length)) if (!have.has(canonicalJson(x))) out.push(x);
  return out;
}
