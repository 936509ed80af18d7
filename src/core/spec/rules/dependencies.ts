/** blocks, blocked_by and depends: each entry names another existing node, the two sides agree, no cycle. */
import { isObject, type JsonObject } from "../model.js";
import { distinctExisting, listHas, nodePtr, type Add } from "./shared.js";

const DEPENDENCY_KINDS = ["blocks", "blocked_by", "depends"] as const;

/** dependencyList(node, kind): the list when the node and its dependencies are objects. */
function dependencies(node: unknown, kind: (typeof DEPENDENCY_KINDS)[number]): unknown {
  if (!isObject(node)) return undefined;
  const deps = node.dependencies;
  return isObject(deps) ? deps[kind] : undefined;
}

export function checkDependencies(h: JsonObject, ids: string[], add: Add): void {
  // The nodes with a blocked_by entry, in order: the only ones an edge can leave.
  const blocked: string[] = [];
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n] as string;
    const node = h[id];
    if (!isObject(node) || !isObject(node.dependencies)) continue;
    for (const kind of DEPENDENCY_KINDS) {
      const list = node.dependencies[kind];
      if (!Array.isArray(list)) continue;
      if (kind === "blocked_by" && list.length > 0) blocked.push(id);
      for (let i = 0; i < list.length; i++) {
        const dep: unknown = list[i];
        if (typeof dep !== "string") continue;
        if (dep === id)
          add("dependency-self", `${nodePtr(id)}/dependencies/${kind}/${i}`, `node ${JSON.stringify(id)} lists itself in ${kind}`);
        else if (!Object.hasOwn(h, dep))
          add(
            "dependency-missing",
            `${nodePtr(id)}/dependencies/${kind}/${i}`,
            `node ${JSON.stringify(id)} ${kind} ${JSON.stringify(dep)}, which does not exist`,
          );
        else if (kind !== "depends") {
          const mirror = kind === "blocks" ? "blocked_by" : "blocks";
          if (!listHas(dependencies(h[dep], mirror), id)) {
            add(
              "dependency-asymmetric",
              `${nodePtr(id)}/dependencies/${kind}/${i}`,
              `node ${JSON.stringify(id)} ${kind} ${JSON.stringify(dep)}, but ${JSON.stringify(dep)} does not list ${JSON.stringify(id)} in ${mirror}`,
            );
          }
        }
      }
    }
  }
  // Cycles over blocked_by: each cycle once, reported at its smallest id. The search starts
  // from each node in order, but a node no edge leaves closes no cycle whenever it is
  // visited, so only the nodes with a blocked_by entry need to start one.
  if (blocked.length === 0) return;
  const reported = new Set<string>();
  depthFirst(
    blocked,
    (id) => distinctExisting(dependencies(h[id], "blocked_by"), h, id),
    new Map(),
    () => undefined,
    (path, _from, to) => {
      const cycle = path.slice(path.indexOf(to));
      const sorted = [...cycle].sort();
      const key = sorted.join("\u0000");
      if (reported.has(key)) return;
      reported.add(key);
      const first = sorted[0] as string;
      const i = cycle.indexOf(first);
      const ordered = [...cycle.slice(i), ...cycle.slice(0, i), first];
      add("dependency-cycle", `${nodePtr(first)}/dependencies/blocked_by`, `blocked_by forms a cycle: ${ordered.join(" -> ")}`);
    },
  );
}

interface Frame {
  id: string;
  kids: readonly string[];
  i: number;
}

/**
 * Iterative depth-first search (deep chains must not overflow the stack): `onBackEdge`
 * gets the current path when an edge returns to a node still on it, i.e. a cycle.
 */
function depthFirst(
  starts: readonly string[],
  next: (id: string) => readonly string[],
  state: Map<string, 1 | 2>,
  onEnter: (id: string) => void,
  onBackEdge: (path: readonly string[], from: string, to: string) => void,
): void {
  for (const start of starts) {
    if (state.has(start)) continue;
    state.set(start, 1);
    onEnter(start);
    const path = [start];
    const stack: Frame[] = [{ id: start, kids: next(start), i: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as Frame;
      if (top.i < top.kids.length) {
        const kid = top.kids[top.i++] as string;
        const s = state.get(kid);
        if (s === 1) onBackEdge(path, top.id, kid);
        else if (s === undefined) {
          state.set(kid, 1);
          onEnter(kid);
          path.push(kid);
          stack.push({ id: kid, kids: next(kid), i: 0 });
        }
        continue;
      }
      stack.pop();
      path.pop();
      state.set(top.id, 2);
    }
  }
}
