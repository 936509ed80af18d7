/** The fast path of the tree checks: a hierarchy on which they find nothing, recognised in one pass. */
import { isObject, ROOT_ID, WORK_TYPES, type JsonObject } from "../model.js";
import { isWellFormedNode, listHas } from "./shared.js";

/** Lists longer than this are left to checkTree (isSoundTree looks each node up in its parent's list). */
const SOUND_TREE_MAX_CHILDREN = 256;

/**
 * Whether the hierarchy is a sound tree, on which checkTree finds nothing: a spec-root,
 * every node well formed, each other node naming an existing parent that lists it, every
 * listed child naming its lister as its parent, no list naming a child twice, every node
 * reachable from the root, and every count and container status right. Checking this costs
 * a fraction of checkTree (no maps, no sets), which then runs only on a hierarchy that fails.
 *
 * Why nothing is missed: a child's only possible lister is its parent, and every non-root
 * node is listed by it, so the lists name the non-root nodes exactly once each when they
 * hold n - 1 entries. No cycle is then reachable from the root (its first node would have a
 * second lister, or the root one), so the walk below visits each reachable node once, and
 * visiting all n means none is an orphan. The walk's counts are computeCounts' for a tree.
 */
export function isSoundTree(h: JsonObject, ids: string[]): boolean {
  const n = ids.length;
  const root = Object.hasOwn(h, ROOT_ID) ? h[ROOT_ID] : undefined;
  if (!isObject(root) || typeof root.parent === "string" || (typeof root.type === "string" && root.type !== "spec")) return false;
  let entries = 0;
  for (let i = 0; i < n; i++) {
    const id = ids[i] as string;
    const node = h[id];
    if (!isWellFormedNode(node)) return false;
    const { children } = node;
    if (children.length > SOUND_TREE_MAX_CHILDREN) return false;
    if (typeof node.id === "string" && node.id !== id) return false;
    if (id !== ROOT_ID) {
      const parentId = node.parent;
      if (node.type === "spec" || typeof parentId !== "string" || !Object.hasOwn(h, parentId)) return false;
      const parent = h[parentId];
      if (!isObject(parent) || !listHas(parent.children, id)) return false;
    }
    for (let k = 0; k < children.length; k++) {
      const kid = children[k] as string;
      if (!Object.hasOwn(h, kid)) return false;
      const child = h[kid];
      if (!isObject(child) || child.parent !== id) return false;
    }
    entries += children.length;
  }
  if (entries !== n - 1) return false;

  // Children first, without recursion: a frame per node on the path.
  const nodes: JsonObject[] = [root];
  const next: number[] = [0];
  const totals: number[] = [0];
  const completions: number[] = [0];
  let visited = 1;
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const node = nodes[top] as JsonObject;
    const children = node.children as string[];
    const k = next[top] as number;
    if (k < children.length) {
      next[top] = k + 1;
      // More visits than nodes: a cycle after all (cannot happen, but never loop).
      if (++visited > n) return false;
      nodes.push(h[children[k] as string] as JsonObject);
      next.push(0);
      totals.push(0);
      completions.push(0);
      continue;
    }
    let total = totals[top] as number;
    let completed = completions[top] as number;
    if (children.length === 0 && WORK_TYPES.has(node.type as string)) {
      total = 1;
      completed = node.status === "completed" ? 1 : 0;
    }
    const said = node.total_tasks;
    const saidCompleted = node.completed_tasks;
    if (typeof said === "number" && typeof saidCompleted === "number" && (said !== total || saidCompleted !== completed)) return false;
    if (children.length > 0 && total > 0) {
      if (node.status === "completed" ? completed < total : node.status !== "blocked" && completed === total) return false;
    }
    nodes.pop();
    next.pop();
    totals.pop();
    completions.pop();
    if (top > 0) {
      totals[top - 1] = (totals[top - 1] as number) + total;
      completions[top - 1] = (completions[top - 1] as number) + completed;
    }
  }
  return visited === n;
}
