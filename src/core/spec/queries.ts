/**
 * Read-only questions about one spec, answered from the hierarchy itself (counts are
 * recomputed, never trusted from the file), so every command agrees.
 */
import {
  asText,
  childrenOf,
  dependencyList,
  descendants,
  incompleteWork,
  isObject,
  own,
  ROOT_ID,
  WORK_TYPES,
  type JsonObject,
} from "./model.js";
import { applyRollup, percentDone, workCounts } from "./rollup.js";

export interface NodeSummary {
  id: string;
  title: string;
  type: string;
  status: string;
}

export function summarize(h: JsonObject, id: string): NodeSummary {
  const n = own(h, id);
  const o = isObject(n) ? n : {};
  return { id, title: asText(o.title, id), type: asText(o.type, "unknown"), status: asText(o.status, "unknown") };
}

export interface Progress {
  node_id: string;
  total_tasks: number;
  completed_tasks: number;
  remaining_tasks: number;
  percentage: number;
  /** Every task, subtask and verify node below is completed (true when there are none). */
  complete: boolean;
}

export function hierarchyOf(doc: unknown): JsonObject {
  return isObject(doc) && isObject(doc.hierarchy) ? doc.hierarchy : {};
}

export function progressOf(doc: unknown, nodeId = ROOT_ID): Progress {
  const h = hierarchyOf(doc);
  const c = workCounts(h, nodeId);
  // Work with nothing in it was never done: a node with no work below is never complete.
  const complete = c.total > 0 && incompleteWork(h, nodeId).length === 0;
  const percentage = percentDone(c);
  return {
    node_id: nodeId,
    total_tasks: c.total,
    completed_tasks: c.completed,
    remaining_tasks: c.total - c.completed,
    percentage,
    complete,
  };
}

export function currentPhase(doc: unknown): (NodeSummary & { completed: number; total: number }) | null {
  const h = hierarchyOf(doc);
  const phases = childrenOf(own(h, ROOT_ID)).filter((id) => isObject(own(h, id)));
  const pick = phases.find((id) => summarize(h, id).status === "in_progress") ?? phases.find((id) => summarize(h, id).status === "pending");
  if (pick === undefined) return null;
  const c = workCounts(h, pick);
  return { ...summarize(h, pick), completed: c.completed, total: c.total };
}

export function specTitle(doc: unknown): string {
  if (!isObject(doc)) return "Untitled";
  const md = isObject(doc.metadata) ? doc.metadata : {};
  if (typeof md.title === "string" && md.title !== "") return md.title;
  if (typeof doc.title === "string" && doc.title !== "") return doc.title;
  const root = own(hierarchyOf(doc), ROOT_ID);
  return isObject(root) && typeof root.title === "string" ? root.title : "Untitled";
}

export function isWork(node: unknown): boolean {
  return isObject(node) && typeof node.type === "string" && WORK_TYPES.has(node.type);
}

/** Ancestors of a node, nearest first (cycle-safe). */
export function ancestors(h: JsonObject, id: string): string[] {
  const out: string[] = [];
  const seen = new Set([id]);
  let cur = own(h, id);
  while (isObject(cur) && typeof cur.parent === "string" && !seen.has(cur.parent) && Object.hasOwn(h, cur.parent)) {
    out.push(cur.parent);
    seen.add(cur.parent);
    cur = own(h, cur.parent);
  }
  return out;
}

export interface Blocker {
  id: string;
  title: string;
  status: string;
  /** The node whose blocked_by names it: the node itself or an ancestor. */
  via: string;
}

/** Unfinished hard prerequisites of a node: its own blocked_by and every ancestor's. */
export function unfinishedBlockers(h: JsonObject, id: string): Blocker[] {
  const out: Blocker[] = [];
  for (const holder of [id, ...ancestors(h, id)]) {
    for (const dep of dependencyList(own(h, holder), "blocked_by")) {
      const s = summarize(h, dep);
      if (s.status !== "completed")
        out.push({ id: dep, title: s.title, status: Object.hasOwn(h, dep) ? s.status : "missing", via: holder });
    }
  }
  return out;
}

export interface NextTask {
  task: (NodeSummary & { phase: string | null }) | null;
  /** Why nothing is offered, when nothing is. */
  reason?: string;
  blocked: (NodeSummary & { waiting_for: Blocker[] })[];
  in_progress: NodeSummary[];
}

/**
 * The next leaf of work to start: phases in order (in-progress ones first), leaves in tree
 * order, status pending, with no unfinished blocked_by on itself or any ancestor.
 */
export function nextTask(doc: unknown): NextTask {
  const h = hierarchyOf(doc);
  const phases = childrenOf(own(h, ROOT_ID)).filter((id) => isObject(own(h, id)));
  const ordered = [
    ...phases.filter((p) => summarize(h, p).status === "in_progress"),
    ...phases.filter((p) => summarize(h, p).status !== "in_progress"),
  ];
  const blocked: NextTask["blocked"] = [];
  const inProgress: NodeSummary[] = [];
  const leavesOf = (from: string): string[] =>
    descendants(h, from).filter((id) => isWork(own(h, id)) && childrenOf(own(h, id)).length === 0);
  for (const phase of ordered) {
    for (const id of phase === ROOT_ID ? [] : leavesOf(phase)) {
      const s = summarize(h, id);
      if (s.status === "in_progress") inProgress.push(s);
      if (s.status !== "pending") continue;
      const waiting = unfinishedBlockers(h, id);
      if (waiting.length > 0) {
        blocked.push({ ...s, waiting_for: waiting });
        continue;
      }
      return { task: { ...s, phase }, blocked, in_progress: inProgress };
    }
  }
  // Work hanging directly under spec-root, outside any phase.
  for (const id of phases.filter((p) => isWork(own(h, p)) && childrenOf(own(h, p)).length === 0)) {
    const s = summarize(h, id);
    if (s.status === "pending" && unfinishedBlockers(h, id).length === 0)
      return { task: { ...s, phase: null }, blocked, in_progress: inProgress };
  }
  const open = incompleteWork(h);
  let reason: string;
  if (open.length === 0) reason = "every task is completed";
  else if (inProgress.length > 0 && blocked.length === 0) reason = `no pending task is left; ${inProgress.length} in progress`;
  else if (blocked.length > 0) reason = `every pending task waits on unfinished blocked_by prerequisites (${blocked.length} waiting)`;
  else reason = `no pending task; the open ones are blocked or in progress (${open.length} open)`;
  return { task: null, reason, blocked, in_progress: inProgress };
}

export interface DepsReport {
  task_id: string;
  can_start: boolean;
  blocked_by: (NodeSummary & { via: string })[];
  soft_depends: NodeSummary[];
  blocks: NodeSummary[];
}

export function depsOf(doc: unknown, id: string): DepsReport {
  const h = hierarchyOf(doc);
  const waiting = unfinishedBlockers(h, id);
  const all = [id, ...ancestors(h, id)].flatMap((holder) =>
    dependencyList(own(h, holder), "blocked_by").map((dep) => ({ ...summarize(h, dep), via: holder })),
  );
  return {
    task_id: id,
    can_start: waiting.length === 0,
    blocked_by: all,
    soft_depends: dependencyList(own(h, id), "depends").map((d) => summarize(h, d)),
    blocks: dependencyList(own(h, id), "blocks").map((d) => summarize(h, d)),
  };
}

export function statusCounts(doc: unknown): Record<"pending" | "in_progress" | "completed" | "blocked", number> {
  const h = hierarchyOf(doc);
  const out = { pending: 0, in_progress: 0, completed: 0, blocked: 0 };
  for (const id of descendants(h, ROOT_ID)) {
    const n = own(h, id);
    // Leaves only: a task with subtasks is a container, counted through its subtasks.
    if (!isWork(n) || !isObject(n) || childrenOf(n).length > 0) continue;
    const s = n.status;
    if (s === "pending" || s === "in_progress" || s === "completed" || s === "blocked") out[s]++;
  }
  return out;
}

/**
 * The status a node's work shows: what the roll-up would make it (a container follows its
 * tasks), not what the file happens to store.
 */
export function derivedStatus(doc: unknown, id = ROOT_ID): string {
  if (!isObject(doc)) return "unknown";
  const copy = structuredClone(doc);
  applyRollup(copy, { timestamp: "1970-01-01T00:00:00.000Z", journaledTypes: new Set() });
  return summarize(hierarchyOf(copy), id).status;
}
