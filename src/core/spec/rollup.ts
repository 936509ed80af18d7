/**
 * Roll-ups, applied after every change by every writing command (docs/status-rules.md):
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
import { childrenFirstOrder, childrenOf, computeCounts, isObject, own, ROOT_ID, type JsonObject } from "./model.js";

export interface RollupOptions {
  timestamp: string;
  journaledTypes: ReadonlySet<string>;
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
  const counts = computeCounts(h);
  const changes: RollupChange[] = [];
  // Children first, so a parent sees its children's new statuses.
  const order = childrenFirstOrder(h);
  for (const id of order) {
    const node = own(h, id);
    if (!isObject(node)) continue;
    const c = counts.get(id) ?? { total: 0, completed: 0 };
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
  if (isObject(md) && typeof md.progress_percentage === "number") {
    const root = counts.get(ROOT_ID);
    if (root !== undefined) md.progress_percentage = root.total === 0 ? 0 : Math.floor((root.completed / root.total) * 100);
  }
  return changes;
}
