/**
 * The spec model: the types of the JSON the tools write, safe accessors, and the roll-up
 * rules shared by every command (docs/rules.md, docs/status-rules.md).
 */

export const NODE_TYPES = ["spec", "phase", "group", "task", "subtask", "verify"] as const;
export type NodeType = (typeof NODE_TYPES)[number];
export const STATUSES = ["pending", "in_progress", "completed", "blocked"] as const;
export type Status = (typeof STATUSES)[number];
export const SPEC_FOLDERS = ["pending", "active", "completed", "archived"] as const;
export type SpecFolder = (typeof SPEC_FOLDERS)[number];
export const ROOT_ID = "spec-root";

/** Node types that are units of work: the ones counted by roll-ups and by "complete". */
export const WORK_TYPES: ReadonlySet<string> = new Set(["task", "subtask", "verify"]);

export type JsonObject = Record<string, unknown>;

export interface Dependencies {
  blocks?: string[];
  blocked_by?: string[];
  depends?: string[];
  [key: string]: unknown;
}

export interface SpecNode {
  type: NodeType;
  title: string;
  status: Status;
  parent: string | null;
  children: string[];
  total_tasks: number;
  completed_tasks: number;
  metadata: JsonObject;
  dependencies?: Dependencies;
  [key: string]: unknown;
}

export interface JournalEntry {
  timestamp: string;
  entry_type: string;
  title: string;
  author?: string;
  content: string;
  metadata?: JsonObject;
  task_id?: string;
  [key: string]: unknown;
}

export interface Spec {
  spec_id: string;
  title?: string;
  generated: string;
  last_updated: string;
  metadata?: JsonObject;
  hierarchy: Record<string, SpecNode>;
  journal?: JournalEntry[];
  [key: string]: unknown;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Own-property lookup: node ids such as "constructor" must never reach Object.prototype. */
export function own<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

export function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

export function childrenOf(node: unknown): string[] {
  return isObject(node) ? stringArray(node.children) : [];
}

export function dependencyList(node: unknown, kind: "blocks" | "blocked_by" | "depends"): string[] {
  if (!isObject(node) || !isObject(node.dependencies)) return [];
  return stringArray(node.dependencies[kind]);
}

export interface Counts {
  total: number;
  completed: number;
}

/**
 * Roll-up counts, computed child-first from each node: a leaf of a work type (task,
 * subtask, verify) counts one, completed when its status is completed; a leaf phase or
 * group counts zero (it holds no work); a container sums its distinct existing children.
 * Cycles are cut (reported separately by validation).
 */
export function computeCounts(hierarchy: Record<string, unknown>): Map<string, Counts> {
  const result = new Map<string, Counts>();
  const visiting = new Set<string>();
  const visit = (id: string): Counts => {
    const done = result.get(id);
    if (done) return done;
    const node = own(hierarchy, id);
    if (!isObject(node) || visiting.has(id)) return { total: 0, completed: 0 };
    visiting.add(id);
    const kids = [...new Set(childrenOf(node))].filter((c) => Object.hasOwn(hierarchy, c));
    let counts: Counts;
    if (kids.length === 0) {
      const work = typeof node.type === "string" && WORK_TYPES.has(node.type);
      counts = { total: work ? 1 : 0, completed: work && node.status === "completed" ? 1 : 0 };
    } else {
      counts = { total: 0, completed: 0 };
      for (const k of kids) {
        const c = visit(k);
        counts.total += c.total;
        counts.completed += c.completed;
      }
    }
    visiting.delete(id);
    result.set(id, counts);
    return counts;
  };
  for (const id of Object.keys(hierarchy)) visit(id);
  return result;
}

/** The ids of every node reachable from `from` through children (including itself). */
export function descendants(hierarchy: Record<string, unknown>, from: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id) || !Object.hasOwn(hierarchy, id)) continue;
    seen.add(id);
    out.push(id);
    const kids = childrenOf(hierarchy[id]);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as string);
  }
  return out;
}

/**
 * The one definition of "complete" (CONTRACT 4.4): every task, subtask and verify node
 * under `from` is completed. Returns the incomplete work nodes, in tree order.
 */
export function incompleteWork(hierarchy: Record<string, unknown>, from = ROOT_ID): string[] {
  return descendants(hierarchy, from).filter((id) => {
    const n = hierarchy[id];
    return isObject(n) && typeof n.type === "string" && WORK_TYPES.has(n.type) && n.status !== "completed";
  });
}

export function specIdFromFileName(fileName: string): string {
  return fileName.replace(/\.json$/i, "");
}

/** A value as display text: strings as they are, anything else as JSON, absent as the fallback. */
export function asText(v: unknown, fallback: string): string {
  if (typeof v === "string") return v;
  if (v === undefined || v === null) return fallback;
  return JSON.stringify(v);
}
