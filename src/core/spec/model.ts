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

/** What a spec id may be made of (it names a file): a letter or digit, then letters, digits, `.`, `_`, `-`; `..` is refused besides. */
export const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Kinds of blocker `mark-blocked` records. */
export const BLOCKER_TYPES = ["dependency", "technical", "resource", "decision"] as const;
/** The metadata of an active blocker, removed when the node leaves `blocked`. */
export const BLOCKER_KEYS = ["blocked_at", "blocker_type", "blocker_description", "blocker_ticket", "blocked_by_external"] as const;

/** Node types `check-journaling` requires a journal entry for, unless configured otherwise. */
/** Node metadata a claim owns (docs/agents.md); a task that leaves in_progress drops them. */
export const CLAIM_KEYS = ["claimed_by", "claimed_at", "lease_expires_at"] as const;

export const DEFAULT_JOURNALED_TYPES = ["task", "verify"] as const;

/** The journaled node types of a config (`journaledTypes`), or the default. */
export function journaledTypesOf(types: readonly string[] | undefined): ReadonlySet<string> {
  return new Set(types ?? DEFAULT_JOURNALED_TYPES);
}

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
  const kidsOf = (id: string): string[] => [...new Set(childrenOf(own(hierarchy, id)))].filter((c) => Object.hasOwn(hierarchy, c));
  // Iterative post-order: deep chains (thousands of levels) must not overflow the stack.
  const onStack = new Set<string>();
  for (const start of Object.keys(hierarchy)) {
    if (result.has(start)) continue;
    const stack: { id: string; kids: string[]; next: number }[] = [{ id: start, kids: kidsOf(start), next: 0 }];
    onStack.add(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; kids: string[]; next: number };
      if (top.next < top.kids.length) {
        const kid = top.kids[top.next++] as string;
        // A child already being visited closes a cycle: it is cut (validation reports it).
        if (result.has(kid) || onStack.has(kid)) continue;
        onStack.add(kid);
        stack.push({ id: kid, kids: kidsOf(kid), next: 0 });
        continue;
      }
      stack.pop();
      onStack.delete(top.id);
      const node = own(hierarchy, top.id);
      let counts: Counts;
      if (!isObject(node)) counts = { total: 0, completed: 0 };
      else if (top.kids.length === 0) {
        const work = typeof node.type === "string" && WORK_TYPES.has(node.type);
        counts = { total: work ? 1 : 0, completed: work && node.status === "completed" ? 1 : 0 };
      } else {
        counts = { total: 0, completed: 0 };
        for (const k of top.kids) {
          const c = result.get(k);
          if (c === undefined) continue;
          counts.total += c.total;
          counts.completed += c.completed;
        }
      }
      result.set(top.id, counts);
    }
  }
  return result;
}

/** Node ids children first (post-order from spec-root, then any node not reached), without recursion. */
export function childrenFirstOrder(hierarchy: Record<string, unknown>): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  for (const start of [ROOT_ID, ...Object.keys(hierarchy)]) {
    if (seen.has(start) || !Object.hasOwn(hierarchy, start)) continue;
    seen.add(start);
    const stack: { id: string; kids: string[]; next: number }[] = [{ id: start, kids: childrenOf(own(hierarchy, start)), next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; kids: string[]; next: number };
      if (top.next < top.kids.length) {
        const kid = top.kids[top.next++] as string;
        if (seen.has(kid) || !Object.hasOwn(hierarchy, kid)) continue;
        seen.add(kid);
        stack.push({ id: kid, kids: childrenOf(own(hierarchy, kid)), next: 0 });
        continue;
      }
      stack.pop();
      order.push(top.id);
    }
  }
  return order;
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
 * The one definition of "complete": every task, subtask and verify node
 * under `from` is completed. A task with subtasks is judged by its subtasks (its own status
 * is a roll-up, and a stale one is reported by validate as status-not-rolled-up), so this is
 * the same set of nodes the roll-up counts. Returns the incomplete ones, in tree order.
 */
export function incompleteWork(hierarchy: Record<string, unknown>, from = ROOT_ID): string[] {
  return descendants(hierarchy, from).filter((id) => {
    const n = hierarchy[id];
    return isObject(n) && typeof n.type === "string" && WORK_TYPES.has(n.type) && n.status !== "completed" && childrenOf(n).length === 0;
  });
}

/** A value as display text: strings as they are, anything else as JSON, absent as the fallback. */
export function asText(v: unknown, fallback: string): string {
  if (typeof v === "string") return v;
  if (v === undefined || v === null) return fallback;
  return JSON.stringify(v);
}
