/**
 * The tree checks, finding by finding: the root, parent links, children lists, cycles and
 * orphans; then the roll-up counts and container statuses (./counts.ts) of a tree they can
 * trust.
 */
import { isObject, ROOT_ID, WORK_TYPES, type JsonObject } from "../model.js";
import { checkCountsAndStatus, type TreeVisit } from "./counts.js";
import { distinctExisting, isWellFormedNode, listHas, nodePtr, type Add } from "./shared.js";

/**
 * The tree checks, finding by finding: parent links, children lists, cycles, orphans, and
 * roll-up counts and statuses.
 */
export function checkTree(h: JsonObject, ids: string[], add: Add): void {
  let shapeOk = true;
  for (let i = 0; i < ids.length && shapeOk; i++) shapeOk = isWellFormedNode(h[ids[i] as string]);
  const root = Object.hasOwn(h, ROOT_ID) ? h[ROOT_ID] : undefined;
  if (!isObject(root)) {
    // An empty hierarchy is the schema's finding (minProperties); a wrongly typed root too.
    if (ids.length > 0 && root === undefined) add("hierarchy-no-root", "/hierarchy", `hierarchy has no "${ROOT_ID}" node`);
  } else {
    if (typeof root.parent === "string") add("hierarchy-root", `${nodePtr(ROOT_ID)}/parent`, `${ROOT_ID} must have parent null`);
    if (typeof root.type === "string" && root.type !== "spec")
      add("hierarchy-root", `${nodePtr(ROOT_ID)}/type`, `${ROOT_ID} must have type "spec", not ${JSON.stringify(root.type)}`);
  }

  // Parent links, children lists and the "listed by" relation: the first node that lists
  // each child, replaced by the list of them once a second one does (the map keeps the
  // order in which children were first listed).
  const listedBy = new Map<string, string | string[]>();
  let multiplyListed = false;
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n] as string;
    const node = h[id];
    if (!isObject(node)) continue;
    if (typeof node.id === "string" && node.id !== id)
      add("node-id-mismatch", `${nodePtr(id)}/id`, `node ${JSON.stringify(id)} says its id is ${JSON.stringify(node.id)}`);
    if (id !== ROOT_ID) {
      if (node.type === "spec") add("hierarchy-root", `${nodePtr(id)}/type`, `only ${ROOT_ID} may have type "spec"`);
      if (node.parent === null)
        add("hierarchy-missing-parent", `${nodePtr(id)}/parent`, `node ${JSON.stringify(id)} has parent null; only ${ROOT_ID} may`);
      else if (typeof node.parent === "string" && !Object.hasOwn(h, node.parent) && !(node.parent === ROOT_ID && !isObject(root))) {
        add(
          "hierarchy-missing-parent",
          `${nodePtr(id)}/parent`,
          `node ${JSON.stringify(id)} names parent ${JSON.stringify(node.parent)}, which does not exist`,
        );
      }
    }
    const children = node.children;
    if (!Array.isArray(children)) continue;
    // Missing children this list named already (existing ones are found in listedBy).
    let missing: string[] | undefined;
    // `i` counts the strings of the list (childrenOf), which is what the pointer indexes.
    let i = -1;
    for (let raw = 0; raw < children.length; raw++) {
      const kid: unknown = children[raw];
      if (typeof kid !== "string") continue;
      i++;
      const child = Object.hasOwn(h, kid) ? h[kid] : undefined;
      // Listed twice by this node: its last lister is this node already.
      const listers = child === undefined ? undefined : listedBy.get(kid);
      const repeated =
        child === undefined
          ? missing?.includes(kid) === true
          : listers !== undefined && (typeof listers === "string" ? listers === id : listers[listers.length - 1] === id);
      if (repeated) {
        add(
          "hierarchy-duplicate-child",
          `${nodePtr(id)}/children/${i}`,
          `node ${JSON.stringify(id)} lists child ${JSON.stringify(kid)} more than once`,
        );
        continue;
      }
      if (child === undefined) {
        (missing ??= []).push(kid);
        add(
          "hierarchy-missing-child",
          `${nodePtr(id)}/children/${i}`,
          `node ${JSON.stringify(id)} lists child ${JSON.stringify(kid)}, which does not exist`,
        );
        continue;
      }
      if (listers === undefined) listedBy.set(kid, id);
      else if (typeof listers === "string") {
        listedBy.set(kid, [listers, id]);
        multiplyListed = true;
      } else listers.push(id);
      if (isObject(child) && typeof child.parent === "string" && child.parent !== id && Object.hasOwn(h, child.parent)) {
        // Reported once, on the list that disagrees with the child's own parent link.
        const parent = h[child.parent];
        if (!(isObject(parent) && listHas(parent.children, kid)) || kid === id) {
          add(
            "hierarchy-parent-mismatch",
            `${nodePtr(id)}/children/${i}`,
            `node ${JSON.stringify(id)} lists child ${JSON.stringify(kid)}, whose parent is ${JSON.stringify(child.parent)}`,
          );
        }
      }
      // A child whose parent is null is already reported as hierarchy-missing-parent.
    }
  }
  if (multiplyListed) {
    for (const [kid, parents] of listedBy) {
      if (typeof parents !== "string") {
        add(
          "hierarchy-multiple-parents",
          nodePtr(kid),
          `node ${JSON.stringify(kid)} is listed as a child by ${parents.map((x) => JSON.stringify(x)).join(" and ")}`,
        );
      }
    }
  }

  // Cycles through children, then reachability.
  const tree = isObject(root) ? walkTree(h, add) : undefined;
  if (tree !== undefined) {
    // A node of the wrong shape is reported by the schema pass; the tree checks below would
    // only repeat that defect as orphans and roll-up mismatches.
    if (shapeOk && tree.visits.size < ids.length) {
      for (const id of ids) {
        if (!tree.visits.has(id) && isObject(h[id])) {
          add("hierarchy-orphan", nodePtr(id), `node ${JSON.stringify(id)} is not reachable from ${ROOT_ID} through children`);
        }
      }
    }
  }
  const visits = tree?.visits ?? new Map<string, TreeVisit>();
  const cyclic = tree?.cyclic === true;

  // Counts through a cycle depend on where the walk cut it: the cycle is the finding.
  if (shapeOk && !cyclic) checkCountsAndStatus(h, ids, visits, add);
}

/**
 * Depth-first from the root through children, without recursion (deep chains must not
 * overflow the stack): reports every edge back to a node still on the path as a cycle, and
 * rolls up the counts of each node as it is done. Without a cycle every reachable node's
 * counts are then what computeCounts gives: a leaf of a work type counts one (completed
 * when its status is), a leaf phase or group none, a container the sums of its distinct
 * existing children.
 */
function walkTree(h: JsonObject, add: Add): { visits: Map<string, TreeVisit>; cyclic: boolean } {
  const visits = new Map<string, TreeVisit>();
  let cyclic = false;
  const enter = (id: string): TreeVisit => {
    const node = h[id];
    const visit: TreeVisit = {
      id,
      kids: distinctExisting(isObject(node) ? node.children : undefined, h),
      next: 0,
      done: false,
      total: 0,
      completed: 0,
    };
    visits.set(id, visit);
    return visit;
  };
  const path = [ROOT_ID];
  const stack = [enter(ROOT_ID)];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as TreeVisit;
    if (top.next < top.kids.length) {
      const kid = top.kids[top.next++] as string;
      const seen = visits.get(kid);
      if (seen === undefined) {
        path.push(kid);
        stack.push(enter(kid));
      } else if (!seen.done) {
        cyclic = true;
        const cycle = [...path.slice(path.indexOf(kid)), kid];
        add("hierarchy-cycle", `${nodePtr(top.id)}/children`, `children form a cycle: ${cycle.join(" -> ")}`);
      } else {
        // Done already, through another parent: its counts add up here too.
        top.total += seen.total;
        top.completed += seen.completed;
      }
      continue;
    }
    stack.pop();
    path.pop();
    top.done = true;
    if (top.kids.length === 0) {
      const node = h[top.id];
      if (isObject(node) && typeof node.type === "string" && WORK_TYPES.has(node.type)) {
        top.total = 1;
        top.completed = node.status === "completed" ? 1 : 0;
      }
    }
    const parent = stack[stack.length - 1];
    if (parent !== undefined) {
      parent.total += top.total;
      parent.completed += top.completed;
    }
  }
  return { visits, cyclic };
}
