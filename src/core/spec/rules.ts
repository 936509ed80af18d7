/**
 * The semantic rules of `sdd validate` (docs/rules.md): a pure function from a parsed spec
 * to findings, no filesystem. Values of the wrong type are skipped here because the schema
 * pass already reports them, so each defect is reported once.
 *
 * `validate` runs these over every node of every spec, so the common case is made cheap
 * without changing what is found, or in which order: a sound tree is recognised by one
 * check (isSoundTree) before the tree checks run finding by finding, a document is searched
 * for reserved keys only when a quick walk says it may hold one, the timestamps the tools
 * write are read without Date.parse, pointers are built only for a finding, and lists of
 * children or dependencies are copied only when one must be dropped.
 */
import type { RawFinding, Severity } from "../findings.js";
import { escapePointerToken, pointerOf } from "../json/source.js";
import {
  BLOCKER_KEYS,
  incompleteWork,
  isObject,
  NODE_TYPES,
  ROOT_ID,
  SAFE_ID,
  STATUSES,
  WORK_TYPES,
  type JsonObject,
  type SpecFolder,
} from "./model.js";

export interface RuleContext {
  /** The file name without `.json`. */
  fileStem?: string | undefined;
  /** The lifecycle folder the file sits in. */
  folder?: SpecFolder | undefined;
  /**
   * Whether some object of the document has a member named "__proto__", when the caller
   * knows (validate learns it while checking for duplicate keys); else the rules look.
   */
  protoKey?: boolean | undefined;
}

const SPEC_ID_FORMAT = /^[\w-]+-\d{4}-\d{2}-\d{2}-\d{3,}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const TASK_CATEGORIES = new Set(["investigation", "implementation", "refactoring", "decision", "research"]);
const ENTRY_TYPES = new Set(["status_change", "deviation", "blocker", "decision", "note", "completion"]);
const DEPENDENCY_KINDS = ["blocks", "blocked_by", "depends"] as const;

/** Statuses that may sit in each folder without a warning. */
const FOLDER_STATUSES: Record<SpecFolder, readonly string[]> = {
  pending: ["pending", "approved", "draft", "planned"],
  active: ["active", "in_progress"],
  completed: ["completed"],
  archived: ["archived"],
};

/** Lists longer than this are deduplicated with a Set; shorter ones by scanning (cheaper). */
const SCAN_LIMIT = 32;
/** Shared empty list (never modified). */
const NONE: readonly string[] = [];

const nodePtr = (id: string): string => `/hierarchy/${escapePointerToken(id)}`;

/** Whether a timestamp is an ISO 8601 date-time: the pattern, and a date Date.parse accepts. */
function isValidDate(ts: string): boolean {
  if (isCanonical(ts)) return true;
  if (!TIMESTAMP.test(ts)) return false;
  return !Number.isNaN(Date.parse(ts.length === 10 ? ts : ts.replace(" ", "T")));
}

/** Date.parse(ts), for a valid timestamp. */
function timeOf(ts: string): number {
  return isCanonical(ts) ? canonicalTime(ts) : Date.parse(ts);
}

/** The two decimal digits of `s` at `at`, or -1. */
function twoDigits(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Whether a timestamp has the form the tools write, YYYY-MM-DDTHH:MM:SS[.f|.ff|.fff]Z, with
 * a year from 1000 and every other field in range. Such a text is valid without asking
 * Date.parse (which was most of the metadata rule's time): Date.parse takes it in the
 * ECMAScript date-time format and returns Date.UTC of its fields (canonicalTime; a day past
 * the end of its month rolls over in both).
 */
function isCanonical(ts: string): boolean {
  const n = ts.length;
  if (n !== 20 && (n < 22 || n > 24)) return false;
  if (
    ts.charCodeAt(4) !== 45 || // -
    ts.charCodeAt(7) !== 45 ||
    ts.charCodeAt(10) !== 84 || // T
    ts.charCodeAt(13) !== 58 || // :
    ts.charCodeAt(16) !== 58 ||
    ts.charCodeAt(n - 1) !== 90 || // Z
    (n > 20 && ts.charCodeAt(19) !== 46) // .
  )
    return false;
  const century = twoDigits(ts, 0);
  const month = twoDigits(ts, 5);
  const day = twoDigits(ts, 8);
  const hour = twoDigits(ts, 11);
  const minute = twoDigits(ts, 14);
  const second = twoDigits(ts, 17);
  if (century < 10 || twoDigits(ts, 2) < 0 || month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  for (let i = 20; i < n - 1; i++) {
    const d = ts.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

/**
 * Date.UTC of a canonical timestamp's fields (isCanonical), by arithmetic: the days from the
 * epoch of a proleptic Gregorian date (H. Hinnant's days_from_civil, linear in the day, so
 * a day past the end of its month rolls over as in Date.UTC) plus the time of day. (The
 * first call of Date in a process sets up its caches, which a one-spec run would notice.)
 */
function canonicalTime(ts: string): number {
  const n = ts.length;
  let ms = 0;
  // One, two or three digits of a second: tenths, hundredths or milliseconds.
  for (let i = 20, unit = 100; i < n - 1; i++, unit /= 10) ms += (ts.charCodeAt(i) - 48) * unit;
  const month = twoDigits(ts, 5);
  // Years counted from March, so that a leap day ends its year.
  const y = twoDigits(ts, 0) * 100 + twoDigits(ts, 2) - (month <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + twoDigits(ts, 8) - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146097 + dayOfEra - 719468;
  return ((days * 24 + twoDigits(ts, 11)) * 60 + twoDigits(ts, 14)) * 60000 + twoDigits(ts, 17) * 1000 + ms;
}

/** Whether the strings of `v` (an array, else none) number zero: childrenOf(node).length === 0. */
function noStrings(v: unknown): boolean {
  if (!Array.isArray(v)) return true;
  for (let i = 0; i < v.length; i++) if (typeof v[i] === "string") return false;
  return true;
}

/** Whether `v` (an array, else empty) holds the string `s`: stringArray(v).includes(s). */
function listHas(v: unknown, s: string): boolean {
  return Array.isArray(v) && v.includes(s);
}

/**
 * `[...new Set(stringArray(list))].filter((x) => Object.hasOwn(h, x) && x !== self)`: the
 * distinct strings of a list naming existing nodes (other than `self`), first occurrence
 * first. Returns the list itself when nothing is dropped (callers only read it).
 */
function distinctExisting(list: unknown, h: JsonObject, self?: string): readonly string[] {
  if (!Array.isArray(list) || list.length === 0) return NONE;
  const n = list.length;
  const set = n > SCAN_LIMIT ? new Set<unknown>() : undefined;
  let out: string[] | undefined;
  for (let i = 0; i < n; i++) {
    const x: unknown = list[i];
    let keep = typeof x === "string" && x !== self && Object.hasOwn(h, x);
    if (keep) {
      if (set !== undefined) {
        if (set.has(x)) keep = false;
        else set.add(x);
      } else if (list.indexOf(x) < i) keep = false;
    }
    if (keep) out?.push(x as string);
    else out ??= list.slice(0, i) as string[];
  }
  return out ?? (list as string[]);
}

export function checkSpec(doc: unknown, ctx: RuleContext = {}): RawFinding[] {
  const out: RawFinding[] = [];
  const add = (code: string, severity: Severity, pointer: string, message: string): void => {
    out.push({ code, severity, pointer, message });
  };
  if (!isObject(doc)) return out;

  if (mayHoldReservedKeys(doc, ctx.protoKey)) checkReservedKeys(doc, [], add);
  checkIdentity(doc, ctx, add);
  for (const key of ["generated", "last_updated"] as const) {
    const v = doc[key];
    if (typeof v === "string" && !isValidDate(v))
      add("timestamp-format", "warning", `/${key}`, `${key} ${JSON.stringify(v)} is not an ISO 8601 date-time`);
  }

  const hierarchy = doc.hierarchy;
  if (isObject(hierarchy)) checkHierarchy(hierarchy, add);
  if (ctx.folder === "completed" && isObject(hierarchy) && isObject(hierarchy[ROOT_ID])) {
    // A spec filed as done while work is open: the gate must not trust the folder.
    const open = incompleteWork(hierarchy);
    const first = open[0];
    if (first !== undefined)
      add(
        "completed-open-work",
        "error",
        `${nodePtr(first)}/status`,
        `the spec is in completed/ but ${open.length} of its tasks ${open.length === 1 ? "is" : "are"} not completed (${open.slice(0, 5).join(", ")}${open.length > 5 ? ", ..." : ""})`,
      );
  }
  if (Array.isArray(doc.journal)) checkJournal(doc.journal, isObject(hierarchy) ? hierarchy : {}, add);
  return out;
}

type Add = (code: string, severity: Severity, pointer: string, message: string) => void;

/**
 * Whether the document may hold a reserved key: a node map with a reserved id, or some
 * object with an own "__proto__" member (`protoKey`, when the caller knows). Else a walk
 * that builds no path finds out (several times cheaper than checkReservedKeys, which then
 * runs only when it can find something). It walks with `for…in`, the cheapest walk, unless
 * Object.prototype has an enumerable member (only if something polluted it), which `for…in`
 * would visit too: then it answers yes.
 */
function mayHoldReservedKeys(doc: JsonObject, protoKey: boolean | undefined): boolean {
  const h = doc.hierarchy;
  if (isObject(h)) for (const key of RESERVED_KEYS) if (Object.hasOwn(h, key)) return true;
  if (protoKey !== undefined) return protoKey;
  for (const key in {}) if (key !== undefined) return true;
  return holdsProtoKey(doc);
}

function holdsProtoKey(value: object): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "object" && item !== null && holdsProtoKey(item)) return true;
    }
    return false;
  }
  for (const key in value) {
    if (key === "__proto__") return true;
    const item = (value as JsonObject)[key];
    if (typeof item === "object" && item !== null && holdsProtoKey(item)) return true;
  }
  return false;
}

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
function isWellFormedNode(node: unknown): node is JsonObject & { children: string[] } {
  if (!isObject(node)) return false;
  const children = node.children;
  if (!Array.isArray(children)) return false;
  for (let i = 0; i < children.length; i++) if (typeof children[i] !== "string") return false;
  return (NODE_TYPES as readonly unknown[]).includes(node.type) && (STATUSES as readonly unknown[]).includes(node.status);
}

function checkHierarchy(h: JsonObject, add: Add): void {
  const ids = Object.keys(h);
  if (!isSoundTree(h, ids)) checkTree(h, ids, add);
  checkNodeMetadata(h, ids, add);
  checkDependencies(h, ids, add);
}

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
function isSoundTree(h: JsonObject, ids: string[]): boolean {
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

/**
 * The tree checks, finding by finding: parent links, children lists, cycles, orphans, and
 * roll-up counts and statuses.
 */
function checkTree(h: JsonObject, ids: string[], add: Add): void {
  let shapeOk = true;
  for (let i = 0; i < ids.length && shapeOk; i++) shapeOk = isWellFormedNode(h[ids[i] as string]);
  const root = Object.hasOwn(h, ROOT_ID) ? h[ROOT_ID] : undefined;
  if (!isObject(root)) {
    // An empty hierarchy is the schema's finding (minProperties); a wrongly typed root too.
    if (ids.length > 0 && root === undefined) add("hierarchy-no-root", "error", "/hierarchy", `hierarchy has no "${ROOT_ID}" node`);
  } else {
    if (typeof root.parent === "string") add("hierarchy-root", "error", `${nodePtr(ROOT_ID)}/parent`, `${ROOT_ID} must have parent null`);
    if (typeof root.type === "string" && root.type !== "spec")
      add("hierarchy-root", "error", `${nodePtr(ROOT_ID)}/type`, `${ROOT_ID} must have type "spec", not ${JSON.stringify(root.type)}`);
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
      add("node-id-mismatch", "error", `${nodePtr(id)}/id`, `node ${JSON.stringify(id)} says its id is ${JSON.stringify(node.id)}`);
    if (id !== ROOT_ID) {
      if (node.type === "spec") add("hierarchy-root", "error", `${nodePtr(id)}/type`, `only ${ROOT_ID} may have type "spec"`);
      if (node.parent === null)
        add(
          "hierarchy-missing-parent",
          "error",
          `${nodePtr(id)}/parent`,
          `node ${JSON.stringify(id)} has parent null; only ${ROOT_ID} may`,
        );
      else if (typeof node.parent === "string" && !Object.hasOwn(h, node.parent) && !(node.parent === ROOT_ID && !isObject(root))) {
        add(
          "hierarchy-missing-parent",
          "error",
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
          "error",
          `${nodePtr(id)}/children/${i}`,
          `node ${JSON.stringify(id)} lists child ${JSON.stringify(kid)} more than once`,
        );
        continue;
      }
      if (child === undefined) {
        (missing ??= []).push(kid);
        add(
          "hierarchy-missing-child",
          "error",
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
            "error",
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
          "error",
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
          add("hierarchy-orphan", "error", nodePtr(id), `node ${JSON.stringify(id)} is not reachable from ${ROOT_ID} through children`);
        }
      }
    }
  }
  const visits = tree?.visits ?? new Map<string, TreeVisit>();
  const cyclic = tree?.cyclic === true;

  // Counts through a cycle depend on where the walk cut it: the cycle is the finding.
  if (shapeOk && !cyclic) checkCountsAndStatus(h, ids, visits, add);
}

/** A node the walk from the root reached; with its counts once it is done (children first). */
interface TreeVisit {
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
        add("hierarchy-cycle", "error", `${nodePtr(top.id)}/children`, `children form a cycle: ${cycle.join(" -> ")}`);
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

function checkCountsAndStatus(h: JsonObject, ids: string[], visits: Map<string, TreeVisit>, add: Add): void {
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
        "error",
        total !== eTotal ? `${p}/total_tasks` : `${p}/completed_tasks`,
        `node ${JSON.stringify(id)} says ${completed}/${total} tasks but ${why}`,
      );
    }
    if (cTotal === 0 || noStrings(node.children)) continue;
    if (node.status === "completed" && cCompleted < cTotal) {
      add(
        "status-open-work",
        "error",
        `${nodePtr(id)}/status`,
        `node ${JSON.stringify(id)} is completed but ${cTotal - cCompleted} of its ${cTotal} tasks are not`,
      );
    } else if (node.status !== "completed" && node.status !== "blocked" && cCompleted === cTotal) {
      add(
        "status-not-rolled-up",
        "warning",
        `${nodePtr(id)}/status`,
        `node ${JSON.stringify(id)} is ${String(node.status)} but all ${cTotal} of its tasks are completed`,
      );
    }
  }
}

function checkNodeMetadata(h: JsonObject, ids: string[], add: Add): void {
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n] as string;
    const node = h[id];
    if (!isObject(node)) continue;
    checkPlanningMetadata(id, node, add);
    const md = node.metadata;
    if (!isObject(md)) continue;
    // The timestamps by name (a loop over their keys makes slower, keyed reads).
    const started = md.started_at;
    const completed = md.completed_at;
    const startedOk = typeof started === "string" && checkTimestamp(id, "started_at", started, add);
    const completedOk = typeof completed === "string" && checkTimestamp(id, "completed_at", completed, add);
    if (typeof md.journaled_at === "string") checkTimestamp(id, "journaled_at", md.journaled_at, add);
    if (typeof md.blocked_at === "string") checkTimestamp(id, "blocked_at", md.blocked_at, add);
    if (startedOk && completedOk && timeOf(completed) < timeOf(started)) {
      add(
        "timestamp-order",
        "warning",
        `${nodePtr(id)}/metadata/completed_at`,
        `node ${JSON.stringify(id)} was completed (${completed}) before it was started (${started})`,
      );
    }
    if (node.type === "task" && typeof md.task_category === "string" && !TASK_CATEGORIES.has(md.task_category)) {
      add(
        "task-category",
        "error",
        `${nodePtr(id)}/metadata/task_category`,
        `task_category ${JSON.stringify(md.task_category)} is not one of ${[...TASK_CATEGORIES].join(", ")}`,
      );
    }
    // A status outside the enum is the schema's finding, not a reason to call metadata stale.
    if ((STATUSES as readonly unknown[]).includes(node.status) && (NODE_TYPES as readonly string[]).includes(String(node.type))) {
      if (node.status !== "completed" && md.completed_at !== undefined && noStrings(node.children)) {
        add(
          "stale-metadata",
          "warning",
          `${nodePtr(id)}/metadata/completed_at`,
          `node ${JSON.stringify(id)} is ${String(node.status)} but keeps completed_at from an earlier completion`,
        );
      }
      if (node.status !== "blocked") {
        const stale =
          md.blocked_at === undefined &&
          md.blocker_type === undefined &&
          md.blocker_description === undefined &&
          md.blocker_ticket === undefined &&
          md.blocked_by_external === undefined
            ? undefined
            : BLOCKER_KEYS.filter((k) => md[k] !== undefined);
        if (stale !== undefined)
          add(
            "stale-metadata",
            "warning",
            `${nodePtr(id)}/metadata/${stale[0] as string}`,
            `node ${JSON.stringify(id)} is ${String(node.status)} but keeps blocker fields (${stale.join(", ")})`,
          );
      }
    }
  }
}

/** Task categories whose tasks change files, so say which. */
const FILE_CATEGORIES = new Set(["implementation", "refactoring"]);

/**
 * What planners and agents rely on, as the Python tool's validator checked it: warnings by
 * default (old specs are full of them), configurable per code like every rule.
 */
function checkPlanningMetadata(id: string, node: JsonObject, add: Add): void {
  const md = isObject(node.metadata) ? node.metadata : undefined;
  if (node.type === "task") {
    // Only a declared category: a task without one is not assumed to change a file (the
    // Python validator assumed implementation, which flagged most hand-written tasks).
    const category = md?.task_category;
    const file = md?.file_path;
    if (typeof category === "string" && FILE_CATEGORIES.has(category) && (typeof file !== "string" || file.trim() === "")) {
      add(
        "file-path-missing",
        "warning",
        md === undefined ? nodePtr(id) : `${nodePtr(id)}/metadata`,
        `${category} task ${JSON.stringify(id)} has no metadata.file_path (the file it changes)`,
      );
    }
  } else if (node.type === "verify" && (md === undefined || md.verification_type === undefined)) {
    add(
      "verification-type-missing",
      "warning",
      md === undefined ? nodePtr(id) : `${nodePtr(id)}/metadata`,
      `verify node ${JSON.stringify(id)} has no metadata.verification_type (auto, manual or fidelity)`,
    );
  }
}

/** Reports a node timestamp that is not an ISO 8601 date-time; whether it is one. */
function checkTimestamp(id: string, key: "started_at" | "completed_at" | "journaled_at" | "blocked_at", v: string, add: Add): boolean {
  if (isValidDate(v)) return true;
  add("timestamp-format", "warning", `${nodePtr(id)}/metadata/${key}`, `${key} ${JSON.stringify(v)} is not an ISO 8601 date-time`);
  return false;
}

/** dependencyList(node, kind): the list when the node and its dependencies are objects. */
function dependencies(node: unknown, kind: (typeof DEPENDENCY_KINDS)[number]): unknown {
  if (!isObject(node)) return undefined;
  const deps = node.dependencies;
  return isObject(deps) ? deps[kind] : undefined;
}

function checkDependencies(h: JsonObject, ids: string[], add: Add): void {
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
          add("dependency-self", "error", `${nodePtr(id)}/dependencies/${kind}/${i}`, `node ${JSON.stringify(id)} lists itself in ${kind}`);
        else if (!Object.hasOwn(h, dep))
          add(
            "dependency-missing",
            "error",
            `${nodePtr(id)}/dependencies/${kind}/${i}`,
            `node ${JSON.stringify(id)} ${kind} ${JSON.stringify(dep)}, which does not exist`,
          );
        else if (kind !== "depends") {
          const mirror = kind === "blocks" ? "blocked_by" : "blocks";
          if (!listHas(dependencies(h[dep], mirror), id)) {
            add(
              "dependency-asymmetric",
              "error",
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
      add("dependency-cycle", "error", `${nodePtr(first)}/dependencies/blocked_by`, `blocked_by forms a cycle: ${ordered.join(" -> ")}`);
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

function checkJournal(journal: unknown[], h: JsonObject, add: Add): void {
  for (let i = 0; i < journal.length; i++) {
    const entry = journal[i];
    if (!isObject(entry)) continue;
    if (typeof entry.timestamp === "string" && !isValidDate(entry.timestamp)) {
      add(
        "timestamp-format",
        "warning",
        `/journal/${i}/timestamp`,
        `journal timestamp ${JSON.stringify(entry.timestamp)} is not an ISO 8601 date-time`,
      );
    }
    if (typeof entry.task_id === "string" && !Object.hasOwn(h, entry.task_id)) {
      add(
        "journal-unknown-node",
        "warning",
        `/journal/${i}/task_id`,
        `journal entry names task_id ${JSON.stringify(entry.task_id)}, which is not in the hierarchy`,
      );
    }
    if (typeof entry.entry_type === "string" && !ENTRY_TYPES.has(entry.entry_type)) {
      add(
        "journal-entry-type",
        "warning",
        `/journal/${i}/entry_type`,
        `entry_type ${JSON.stringify(entry.entry_type)} is not one of ${[...ENTRY_TYPES].join(", ")}`,
      );
    }
  }
}
