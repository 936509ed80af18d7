/**
 * Roll-ups, applied after every change by every writing command to the nodes the change
 * touched and their ancestors (docs/status-rules.md); `fix` applies them to every node:
 *
 * - counts: a leaf task/subtask/verify counts one (completed when its status is); a phase
 *   or group with no children counts zero; a container sums its children;
 * - a leaf's status is only ever set explicitly, never derived;
 * - a container with work below is completed when all of it is, else blocked if it was
 *   explicitly blocked, else in_progress when any work below has started, else pending;
 * - a container with no work below keeps the status it was given;
 * - a container that becomes completed gets completed_at (and needs_journaling when its
 *   type is journaled); one that stops being completed loses completed_at,
 *   needs_journaling and journaled_at.
 */
import { unescapePointerToken } from "../json/source.js";
import { childrenFirstOrder, childrenOf, computeCounts, isObject, own, ROOT_ID, type Counts, type JsonObject } from "./model.js";

/**
 * The roll-up of one node: the completed and total units of work below it (computeCounts:
 * a leaf task, subtask or verify counts one), the counts every report and every write uses.
 * `all` reuses counts already computed for the hierarchy.
 */
export function workCounts(h: JsonObject, id: string = ROOT_ID, all: Map<string, Counts> = computeCounts(h)): Counts {
  const c = all.get(id);
  return c === undefined ? { total: 0, completed: 0 } : { total: c.total, completed: c.completed };
}

/** Whole percent done, rounded down (99.9% is not done); 0 when there is no work. */
export function percentDone(c: Counts): number {
  return c.total === 0 ? 0 : Math.floor((c.completed / c.total) * 100);
}

export interface RollupOptions {
  timestamp: string;
  journaledTypes: ReadonlySet<string>;
  /**
   * The ids of the nodes a change touched: only they and their ancestors are recomputed,
   * so a count elsewhere that was already wrong stays as it is (validate reports it, fix
   * repairs it). Absent: every node is recomputed.
   */
  changed?: ReadonlySet<string>;
}

/**
 * The ids of the hierarchy nodes that RFC 6902 operations touch (their `path` and `from`);
 * undefined when one of them replaces the hierarchy as a whole (or the document).
 */
export function touchedNodes(ops: readonly { path: string; from?: string }[]): Set<string> | undefined {
  const ids = new Set<string>();
  for (const op of ops) {
    for (const p of op.from === undefined ? [op.path] : [op.path, op.from]) {
      if (p === "" || p === "/hierarchy") return undefined;
      if (!p.startsWith("/hierarchy/")) continue;
      const end = p.indexOf("/", 11);
      ids.add(unescapePointerToken(end === -1 ? p.slice(11) : p.slice(11, end)));
    }
  }
  return ids;
}

/** `changed` and every node above one of them (through any parent that lists it as a child). */
function withAncestors(h: JsonObject, changed: ReadonlySet<string>): Set<string> {
  const parents = new Map<string, string[]>();
  for (const id of Object.keys(h)) {
    for (const kid of childrenOf(h[id])) {
      const list = parents.get(kid);
      if (list === undefined) parents.set(kid, [id]);
      else list.push(id);
    }
  }
  const out = new Set<string>();
  const stack = [...changed];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (out.has(id)) continue;
    out.add(id);
    for (const p of parents.get(id) ?? []) stack.push(p);
  }
  return out;
}

export interface RollupChange {
  id: string;
  from: string;
  to: string;
}

const STARTED = new Set(["in_progress", "completed"]);

function hasStartedWork(h: JsonObject, id: string): boolean {
  const seen = new Set<string>([id]);
  const stack = [...childrenOf(own(h, id))];
  while (stack.length > 0) {
    const kid = stack.pop() as string;
    if (seen.has(kid)) continue;
    seen.add(kid);
    const n = own(h, kid);
    if (!isObject(n)) continue;
    if (STARTED.has(String(n.status))) return true;
    stack.push(...childrenOf(n));
  }
  return false;
}

/** Recompute counts and container statuses in place; returns the containers whose status changed. */
export function applyRollup(doc: JsonObject, options: RollupOptions): RollupChange[] {
  const h = doc.hierarchy;
  if (!isObject(h)) return [];
  const affected = options.changed === undefined ? undefined : withAncestors(h, options.changed);
  if (affected?.size === 0) return [];
  const counts = computeCounts(h);
  const changes: RollupChange[] = [];
  // Children first, so a parent sees its children's new statuses.
  const order = childrenFirstOrder(h);
  for (const id of order) {
    if (affected !== undefined && !affected.has(id)) continue;
    const node = own(h, id);
    if (!isObject(node)) continue;
    const c = workCounts(h, id, counts);
    if (node.total_tasks !== c.total) node.total_tasks = c.total;
    if (node.completed_tasks !== c.completed) node.completed_tasks = c.completed;
    if (childrenOf(node).length === 0 || c.total === 0) continue;
    const before = String(node.status);
    let after: string;
    if (c.completed === c.total) after = "completed";
    else if (before === "blocked") after = "blocked";
    else after = hasStartedWork(h, id) ? "in_progress" : "pending";
    if (after === before) continue;
    node.status = after;
    const md: JsonObject = isObject(node.metadata) ? node.metadata : (node.metadata = {});
    if (after === "completed") {
      md.completed_at = options.timestamp;
      if (options.journaledTypes.has(String(node.type))) md.needs_journaling = true;
    } else if (before === "completed") {
      delete md.completed_at;
      delete md.needs_journaling;
      delete md.journaled_at;
    }
    changes.push({ id, from: before, to: after });
  }
  const md = doc.metadata;
  if (isObject(md) && typeof md.progress_percentage === "number" && (affected === undefined || affected.has(ROOT_ID))) {
    if (counts.has(ROOT_ID)) md.progress_percentage = percentDone(workCounts(h, ROOT_ID, counts));
  }
  return changes;
}
