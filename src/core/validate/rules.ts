/**
 * The semantic rules of `sdd validate` (docs/rules.md): a pure function from a parsed spec
 * to findings, no filesystem. Values of the wrong type are skipped here because the schema
 * pass already reports them, so each defect is reported once.
 */
import type { RawFinding, Severity } from "../findings.js";
import { escapePointerToken, pointerOf } from "../json-source.js";
import {
  BLOCKER_KEYS,
  childrenOf,
  computeCounts,
  dependencyList,
  isObject,
  NODE_TYPES,
  own,
  ROOT_ID,
  STATUSES,
  WORK_TYPES,
  type JsonObject,
  type SpecFolder,
} from "../spec.js";

export interface RuleContext {
  /** The file name without `.json`. */
  fileStem?: string | undefined;
  /** The lifecycle folder the file sits in. */
  folder?: SpecFolder | undefined;
}

const SPEC_ID_FORMAT = /^[\w-]+-\d{4}-\d{2}-\d{2}-\d{3,}$/;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const TASK_CATEGORIES = new Set(["investigation", "implementation", "refactoring", "decision", "research"]);
const ENTRY_TYPES = new Set(["status_change", "deviation", "blocker", "decision", "note", "completion"]);
const NODE_TIMESTAMPS = ["started_at", "completed_at", "journaled_at", "blocked_at"] as const;

/** Statuses that may sit in each folder without a warning. */
const FOLDER_STATUSES: Record<SpecFolder, readonly string[]> = {
  pending: ["pending", "approved", "draft", "planned"],
  active: ["active", "in_progress"],
  completed: ["completed"],
  archived: ["archived"],
};

const nodePtr = (id: string): string => `/hierarchy/${escapePointerToken(id)}`;

function isValidDate(ts: string): boolean {
  if (!TIMESTAMP.test(ts)) return false;
  return !Number.isNaN(Date.parse(ts.length === 10 ? ts : ts.replace(" ", "T")));
}

export function checkSpec(doc: unknown, ctx: RuleContext = {}): RawFinding[] {
  const out: RawFinding[] = [];
  const add = (code: string, severity: Severity, pointer: string, message: string): void => {
    out.push({ code, severity, pointer, message });
  };
  if (!isObject(doc)) return out;

  checkReservedKeys(doc, [], add);
  checkIdentity(doc, ctx, add);
  for (const key of ["generated", "last_updated"] as const) {
    const v = doc[key];
    if (typeof v === "string" && !isValidDate(v))
      add("timestamp-format", "warning", `/${key}`, `${key} ${JSON.stringify(v)} is not an ISO 8601 date-time`);
  }

  const hierarchy = doc.hierarchy;
  if (isObject(hierarchy)) checkHierarchy(hierarchy, add);
  if (Array.isArray(doc.journal)) checkJournal(doc.journal, isObject(hierarchy) ? hierarchy : {}, add);
  return out;
}

type Add = (code: string, severity: Severity, pointer: string, message: string) => void;

/** Visits every member of the document, so the path is kept as tokens and a pointer is built only for a finding. */
function checkReservedKeys(value: unknown, path: string[], add: Add): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== "object" || v === null) continue;
      path.push(String(i));
      checkReservedKeys(v, path, add);
      path.pop();
    }
    return;
  }
  if (!isObject(value)) return;
  const isNodeMap = path.length === 1 && path[0] === "hierarchy";
  for (const key of Object.keys(value)) {
    if (key === "__proto__" || (isNodeMap && RESERVED_KEYS.has(key))) {
      add(
        "reserved-key",
        "error",
        pointerOf([...path, key]),
        `key ${JSON.stringify(key)} is reserved (it names a JavaScript object property); rename it`,
      );
    }
    const child = value[key];
    if (typeof child !== "object" || child === null) continue;
    path.push(key);
    checkReservedKeys(child, path, add);
    path.pop();
  }
}

function checkIdentity(doc: JsonObject, ctx: RuleContext, add: Add): void {
  const id = doc.spec_id;
  if (typeof id !== "string" || id === "") return;
  if (!SAFE_ID.test(id) || id.includes("..")) {
    add(
      "spec-id-unsafe",
      "error",
      "/spec_id",
      `spec_id ${JSON.stringify(id)} cannot name a file: use letters, digits, '.', '_' and '-' only`,
    );
  } else if (!SPEC_ID_FORMAT.test(id)) {
    add("spec-id-format", "warning", "/spec_id", `spec_id ${JSON.stringify(id)} does not follow <feature>-<YYYY-MM-DD>-<nnn>`);
  }
  if (ctx.fileStem !== undefined && ctx.fileStem !== id) {
    add(
      "spec-id-mismatch",
      "error",
      "/spec_id",
      `spec_id ${JSON.stringify(id)} differs from the file name ${JSON.stringify(ctx.fileStem + ".json")}`,
    );
  }
  const status = isObject(doc.metadata) ? doc.metadata.status : undefined;
  if (ctx.folder !== undefined && typeof status === "string" && !FOLDER_STATUSES[ctx.folder].includes(status)) {
    add(
      "folder-status-mismatch",
      "warning",
      "/metadata/status",
      `metadata.status is ${JSON.stringify(status)} but the spec is in ${ctx.folder}/`,
    );
  }
}

/** A node whose tree and count fields have the types the schema requires. */
function isWellFormedNode(node: unknown): boolean {
  return (
    isObject(node) &&
    Array.isArray(node.children) &&
    node.children.every((c) => typeof c === "string") &&
    (NODE_TYPES as readonly unknown[]).includes(node.type) &&
    (STATUSES as readonly unknown[]).includes(node.status)
  );
}

function checkHierarchy(h: JsonObject, add: Add): void {
  const ids = Object.keys(h);
  const shapeOk = ids.every((id) => isWellFormedNode(h[id]));
  const root = own(h, ROOT_ID);
  if (!isObject(root)) {
    // An empty hierarchy is the schema's finding (minProperties); a wrongly typed root too.
    if (ids.length > 0 && root === undefined) add("hierarchy-no-root", "error", "/hierarchy", `hierarchy has no "${ROOT_ID}" node`);
  } else {
    if (typeof root.parent === "string") add("hierarchy-root", "error", `${nodePtr(ROOT_ID)}/parent`, `${ROOT_ID} must have parent null`);
    if (typeof root.type === "string" && root.type !== "spec")
      add("hierarchy-root", "error", `${nodePtr(ROOT_ID)}/type`, `${ROOT_ID} must have type "spec", not ${JSON.stringify(root.type)}`);
  }

  // Parent links, children lists and the "listed by" relation.
  const listedBy = new Map<string, string[]>();
  for (const id of ids) {
    const node = h[id];
    if (!isObject(node)) continue;
    const p = nodePtr(id);
    if (typeof node.id === "string" && node.id !== id)
      add("node-id-mismatch", "error", `${p}/id`, `node ${JSON.stringify(id)} says its id is ${JSON.stringify(node.id)}`);
    if (id !== ROOT_ID) {
      if (node.type === "spec") add("hierarchy-root", "error", `${p}/type`, `only ${ROOT_ID} may have type "spec"`);
      if (node.parent === null)
        add("hierarchy-missing-parent", "error", `${p}/parent`, `node ${JSON.stringify(id)} has parent null; only ${ROOT_ID} may`);
      else if (typeof node.parent === "string" && !Object.hasOwn(h, node.parent) && !(node.parent === ROOT_ID && !isObject(root))) {
        add(
          "hierarchy-missing-parent",
          "error",
          `${p}/parent`,
          `node ${JSON.stringify(id)} names parent ${JSON.stringify(node.parent)}, which does not exist`,
        );
      }
    }
    const kids = childrenOf(node);
    const seen = new Set<string>();
    kids.forEach((kid, i) => {
      const kp = `${p}/children/${i}`;
      if (seen.has(kid)) {
        add("hierarchy-duplicate-child", "error", kp, `node ${JSON.stringify(id)} lists child ${JSON.stringify(kid)} more than once`);
        return;
      }
      seen.add(kid);
      const child = own(h, kid);
      if (child === undefined) {
        add("hierarchy-missing-child", "error", kp, `node ${JSON.stringify(id)} lists child ${JSON.stringify(kid)}, which does not exist`);
        return;
      }
      const parents = listedBy.get(kid) ?? [];
      parents.push(id);
      listedBy.set(kid, parents);
      if (isObject(child) && typeof child.parent === "string" && child.parent !== id && Object.hasOwn(h, child.parent)) {
        // Reported once, on the list that disagrees with the child's own parent link.
        if (!childrenOf(h[child.parent]).includes(kid) || kid === id) {
          add(
            "hierarchy-parent-mismatch",
            "error",
            kp,
            `node ${JSON.stringify(id)} lists child ${JSON.stringify(kid)}, whose parent is ${JSON.stringify(child.parent)}`,
          );
        }
      } else if (isObject(child) && child.parent === null && kid !== ROOT_ID) {
        // Already reported as hierarchy-missing-parent.
      }
    });
  }
  for (const [kid, parents] of listedBy) {
    if (parents.length > 1) {
      add(
        "hierarchy-multiple-parents",
        "error",
        nodePtr(kid),
        `node ${JSON.stringify(kid)} is listed as a child by ${parents.map((x) => JSON.stringify(x)).join(" and ")}`,
      );
    }
  }

  // Cycles through children, then reachability.
  const reachable = new Set<string>();
  let cyclic = false;
  if (isObject(root)) {
    depthFirst(
      [ROOT_ID],
      (id) => [...new Set(childrenOf(h[id]))].filter((kid) => Object.hasOwn(h, kid)),
      new Map(),
      (id) => reachable.add(id),
      (path, from, to) => {
        cyclic = true;
        const cycle = [...path.slice(path.indexOf(to)), to];
        add("hierarchy-cycle", "error", `${nodePtr(from)}/children`, `children form a cycle: ${cycle.join(" -> ")}`);
      },
    );
    // A node of the wrong shape is reported by the schema pass; the tree checks below would
    // only repeat that defect as orphans and roll-up mismatches.
    for (const id of shapeOk ? ids : []) {
      if (!reachable.has(id) && isObject(h[id])) {
        add("hierarchy-orphan", "error", nodePtr(id), `node ${JSON.stringify(id)} is not reachable from ${ROOT_ID} through children`);
      }
    }
  }

  // Counts through a cycle depend on where the walk cut it: the cycle is the finding.
  if (shapeOk && !cyclic) checkCountsAndStatus(h, ids, reachable, add);
  checkNodeMetadata(h, ids, add);
  checkDependencies(h, ids, add);
}

function checkCountsAndStatus(h: JsonObject, ids: string[], reachable: Set<string>, add: Add): void {
  const counts = computeCounts(h);
  for (const id of ids) {
    const node = h[id];
    if (!isObject(node) || !reachable.has(id)) continue;
    const c = counts.get(id);
    if (c === undefined) continue;
    const p = nodePtr(id);
    const { total_tasks: total, completed_tasks: completed } = node;
    if (typeof total === "number" && typeof completed === "number" && (total !== c.total || completed !== c.completed)) {
      const expected = `${c.completed}/${c.total}`;
      const why =
        childrenOf(node).length === 0
          ? WORK_TYPES.has(String(node.type))
            ? `as a leaf ${String(node.type)} it counts ${expected}`
            : `a ${String(node.type)} with no children holds no work (${expected})`
          : `its children hold ${expected}`;
      add(
        "rollup-mismatch",
        "error",
        total !== c.total ? `${p}/total_tasks` : `${p}/completed_tasks`,
        `node ${JSON.stringify(id)} says ${completed}/${total} tasks but ${why}`,
      );
    }
    if (childrenOf(node).length === 0 || c.total === 0) continue;
    if (node.status === "completed" && c.completed < c.total) {
      add(
        "status-open-work",
        "error",
        `${p}/status`,
        `node ${JSON.stringify(id)} is completed but ${c.total - c.completed} of its ${c.total} tasks are not`,
      );
    } else if (node.status !== "completed" && node.status !== "blocked" && c.completed === c.total) {
      add(
        "status-not-rolled-up",
        "warning",
        `${p}/status`,
        `node ${JSON.stringify(id)} is ${String(node.status)} but all ${c.total} of its tasks are completed`,
      );
    }
  }
}

function checkNodeMetadata(h: JsonObject, ids: string[], add: Add): void {
  for (const id of ids) {
    const node = h[id];
    if (!isObject(node) || !isObject(node.metadata)) continue;
    const md = node.metadata;
    const p = `${nodePtr(id)}/metadata`;
    // Each timestamp is checked once (Date.parse is most of this rule's time).
    let startedOk = false;
    let completedOk = false;
    for (const key of NODE_TIMESTAMPS) {
      const v = md[key];
      if (typeof v !== "string") continue;
      const ok = isValidDate(v);
      if (!ok) add("timestamp-format", "warning", `${p}/${key}`, `${key} ${JSON.stringify(v)} is not an ISO 8601 date-time`);
      if (key === "started_at") startedOk = ok;
      else if (key === "completed_at") completedOk = ok;
    }
    if (startedOk && completedOk && typeof md.started_at === "string" && typeof md.completed_at === "string") {
      if (Date.parse(md.completed_at) < Date.parse(md.started_at)) {
        add(
          "timestamp-order",
          "warning",
          `${p}/completed_at`,
          `node ${JSON.stringify(id)} was completed (${md.completed_at}) before it was started (${md.started_at})`,
        );
      }
    }
    if (node.type === "task" && typeof md.task_category === "string" && !TASK_CATEGORIES.has(md.task_category)) {
      add(
        "task-category",
        "error",
        `${p}/task_category`,
        `task_category ${JSON.stringify(md.task_category)} is not one of ${[...TASK_CATEGORIES].join(", ")}`,
      );
    }
    // A status outside the enum is the schema's finding, not a reason to call metadata stale.
    if ((STATUSES as readonly unknown[]).includes(node.status) && (NODE_TYPES as readonly string[]).includes(String(node.type))) {
      if (node.status !== "completed" && md.completed_at !== undefined && childrenOf(node).length === 0) {
        add(
          "stale-metadata",
          "warning",
          `${p}/completed_at`,
          `node ${JSON.stringify(id)} is ${String(node.status)} but keeps completed_at from an earlier completion`,
        );
      }
      if (node.status !== "blocked") {
        const stale = BLOCKER_KEYS.filter((k) => md[k] !== undefined);
        if (stale.length > 0)
          add(
            "stale-metadata",
            "warning",
            `${p}/${stale[0]}`,
            `node ${JSON.stringify(id)} is ${String(node.status)} but keeps blocker fields (${stale.join(", ")})`,
          );
      }
    }
  }
}

function checkDependencies(h: JsonObject, ids: string[], add: Add): void {
  for (const id of ids) {
    const node = h[id];
    if (!isObject(node) || !isObject(node.dependencies)) continue;
    for (const kind of ["blocks", "blocked_by", "depends"] as const) {
      const list = node.dependencies[kind];
      if (!Array.isArray(list)) continue;
      list.forEach((dep, i) => {
        if (typeof dep !== "string") return;
        const dp = `${nodePtr(id)}/dependencies/${kind}/${i}`;
        if (dep === id) add("dependency-self", "error", dp, `node ${JSON.stringify(id)} lists itself in ${kind}`);
        else if (!Object.hasOwn(h, dep))
          add("dependency-missing", "error", dp, `node ${JSON.stringify(id)} ${kind} ${JSON.stringify(dep)}, which does not exist`);
        else if (kind !== "depends") {
          const mirror = kind === "blocks" ? "blocked_by" : "blocks";
          if (!dependencyList(h[dep], mirror).includes(id)) {
            add(
              "dependency-asymmetric",
              "error",
              dp,
              `node ${JSON.stringify(id)} ${kind} ${JSON.stringify(dep)}, but ${JSON.stringify(dep)} does not list ${JSON.stringify(id)} in ${mirror}`,
            );
          }
        }
      });
    }
  }
  // Cycles over blocked_by: each cycle once, reported at its smallest id.
  const reported = new Set<string>();
  depthFirst(
    ids,
    (id) => [...new Set(dependencyList(h[id], "blocked_by"))].filter((dep) => Object.hasOwn(h, dep) && dep !== id),
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
      add("dependency-cycle", "error", `${nodePtr(first)}/dependencies/blocked_by`, `blocked_by forms a cycle: ${ordered.join(" -> ")}`);
    },
  );
}

/**
 * Iterative depth-first search (deep chains must not overflow the stack): `onBackEdge`
 * gets the current path when an edge returns to a node still on it, i.e. a cycle.
 */
function depthFirst(
  starts: readonly string[],
  next: (id: string) => string[],
  state: Map<string, 1 | 2>,
  onEnter: (id: string) => void,
  onBackEdge: (path: readonly string[], from: string, to: string) => void,
): void {
  for (const start of starts) {
    if (state.has(start)) continue;
    state.set(start, 1);
    onEnter(start);
    const path = [start];
    const stack: { id: string; kids: string[]; i: number }[] = [{ id: start, kids: next(start), i: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; kids: string[]; i: number };
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

function checkJournal(journal: unknown[], h: JsonObject, add: Add): void {
  journal.forEach((entry, i) => {
    if (!isObject(entry)) return;
    const p = `/journal/${i}`;
    if (typeof entry.timestamp === "string" && !isValidDate(entry.timestamp)) {
      add(
        "timestamp-format",
        "warning",
        `${p}/timestamp`,
        `journal timestamp ${JSON.stringify(entry.timestamp)} is not an ISO 8601 date-time`,
      );
    }
    if (typeof entry.task_id === "string" && !Object.hasOwn(h, entry.task_id)) {
      add(
        "journal-unknown-node",
        "warning",
        `${p}/task_id`,
        `journal entry names task_id ${JSON.stringify(entry.task_id)}, which is not in the hierarchy`,
      );
    }
    if (typeof entry.entry_type === "string" && !ENTRY_TYPES.has(entry.entry_type)) {
      add(
        "journal-entry-type",
        "warning",
        `${p}/entry_type`,
        `entry_type ${JSON.stringify(entry.entry_type)} is not one of ${[...ENTRY_TYPES].join(", ")}`,
      );
    }
  });
}
