/** Roll-up counts and container statuses, over the walk of ./hierarchy.ts. */
import { isObject, WORK_TYPES, type JsonObject } from "../model.js";
import { nodePtr, noStrings, type Add } from "./shared.js";

/** A node the walk from the root reached; with its counts once it is done (children first). */
export interface TreeVisit {
  id: string;
  /** Its distinct existing children. */
  kids: readonly string[];
  /** The next of `kids` to visit. */
  next: number;
  done: boolean;
  total: number;
  completed: number;
}

/**
 * The counts a node's stored total_tasks/completed_tasks must hold, or undefined when any
 * value is accepted. A leaf task, subtask or verify counts 1 (completed when it is). A
 * childless phase or group holds no work; the Python tool stores it as 0/0 when it
 * generates a spec and as 1/1 or 1/0 after its own recalculation, so all three are
 * accepted. A parent must hold the sum of its children's **stored** counts (each child is
 * checked on its own), or the true counts, so one wrong count is one finding, at the node
 * that has it.
 */
function storedExpectation(h: JsonObject, node: JsonObject, visit: TreeVisit): { total: number; completed: number } | undefined {
  if (visit.kids.length === 0) {
    if (WORK_TYPES.has(String(node.type))) return { total: visit.total, completed: visit.completed };
    const { total_tasks: t, completed_tasks: c } = node;
    if ((t === 0 && c === 0) || (t === 1 && (c === 0 || c === 1))) return undefined;
    return { total: 0, completed: 0 };
  }
  let total = 0;
  let completed = 0;
  for (const kid of visit.kids) {
    const k = h[kid];
    if (!isObject(k) || typeof k.total_tasks !== "number" || typeof k.completed_tasks !== "number")
      return { total: visit.total, completed: visit.completed };
    total += k.total_tasks;
    completed += k.completed_tasks;
  }
  return { total, completed };
}

export function checkCountsAndStatus(h: JsonObject, ids: string[], visits: Map<string, TreeVisit>, add: Add): void {
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n] as string;
    const node = h[id];
    if (!isObject(node)) continue;
    // Only reachable nodes have counts.
    const visit = visits.get(id);
    if (visit === undefined) continue;
    const { total: cTotal, completed: cCompleted } = visit;
    const { total_tasks: total, completed_tasks: completed } = node;
    const expectedCounts = storedExpectation(h, node, visit);
    if (
      typeof total === "number" &&
      typeof completed === "number" &&
      expectedCounts !== undefined &&
      (total !== expectedCounts.total || completed !== expectedCounts.completed) &&
      // A parent that holds the true counts while a child's stored counts are wrong: only the child is reported.
      (visit.kids.length === 0 || total !== cTotal || completed !== cCompleted)
    ) {
      const [eCompleted, eTotal] = [expectedCounts.completed, expectedCounts.total];
      const p = nodePtr(id);
      const expected = `${eCompleted}/${eTotal}`;
      const why = noStrings(node.children)
        ? WORK_TYPES.has(String(node.type))
          ? `as a leaf ${String(node.type)} it counts ${expected}`
          : `a ${String(node.type)} with no children holds no work (${expected})`
        : `its children hold ${expected}`;
      add(
        "rollup-mismatch",
        total !== eTotal ? `${p}/total_tasks` : `${p}/completed_tasks`,
        `node ${JSON.stringify(id)} says ${completed}/${total} tasks but ${why}`,
      );
    }
    if (cTotal === 0 || noStrings(node.children)) continue;
    if (node.status === "completed" && cCompleted < cTotal) {
      add(
        "status-open-work",
        `${nodePtr(id)}/status`,
        `node ${JSON.stringify(id)} is completed but ${cTotal - cCompleted} of its ${cTotal} tasks are not`,
      );
    } else if (node.status !== "completed" && node.status !== "blocked" && cCompleted === cTotal) {
      add(
        "status-not-rolled-up",
        `${nodePtr(id)}/status`,
        `node ${JSON.stringify(id)} is ${String(node.status)} but all ${cTotal} of its tasks are completed`,
      );
    }
  }
}
