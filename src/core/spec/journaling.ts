/**
 * The journaling gate, defined here once and used by check-journaling,
 * complete-spec and ci.
 *
 * A node is **journaled** when it has a journal entry with its task_id made at or after its
 * completion (any entry when the completion time is unknown) and is not still flagged
 * needs_journaling, **or** when it has children with work below them and every such child
 * is journaled by this same rule. So a task completed through its subtasks (the Python tool
 * never journaled those roll-ups) is journaled through its subtasks' entries; children that
 * hold no work (an empty phase or group) are not required. A completed node of a journaled
 * type that is not journaled is reported.
 */
import type { RawFinding } from "../findings.js";
import { escapePointerToken } from "../json/source.js";
import { hierarchyOf } from "./queries.js";
import { asText, childrenOf, computeCounts, descendants, isObject, own, ROOT_ID } from "./model.js";
import { SEVERITY_OF } from "./rules/registry.js";
import { workCounts } from "./rollup.js";

export interface UnjournaledNode {
  node_id: string;
  type: string;
  title: string;
  completed_at: string | null;
  parent_id: string | null;
  reason: "no-entry" | "no-entry-since-completion" | "flagged";
  /** For a node with work below it: the pieces of work below that are not journaled either. */
  below?: string[];
}

export function findUnjournaled(doc: unknown, journaledTypes: ReadonlySet<string>): UnjournaledNode[] {
  const h = hierarchyOf(doc);
  const journal = isObject(doc) && Array.isArray(doc.journal) ? doc.journal : [];
  const latest = new Map<string, number>();
  const any = new Set<string>();
  for (const e of journal) {
    if (!isObject(e) || typeof e.task_id !== "string") continue;
    any.add(e.task_id);
    const t = typeof e.timestamp === "string" ? Date.parse(e.timestamp) : Number.NaN;
    if (!Number.isNaN(t)) latest.set(e.task_id, Math.max(latest.get(e.task_id) ?? -Infinity, t));
  }
  /** Why a node's own entries do not journal it, or undefined when they do. */
  const ownReason = (id: string): UnjournaledNode["reason"] | undefined => {
    const n = own(h, id);
    const md = isObject(n) && isObject(n.metadata) ? n.metadata : {};
    const completedAt = typeof md.completed_at === "string" ? md.completed_at : null;
    const doneTime = completedAt === null ? Number.NaN : Date.parse(completedAt);
    if (!any.has(id)) return "no-entry";
    if (!Number.isNaN(doneTime) && (latest.get(id) ?? -Infinity) < doneTime) return "no-entry-since-completion";
    if (md.needs_journaling === true) return "flagged";
    return undefined;
  };
  const counts = computeCounts(h);
  const memo = new Map<string, boolean>();
  const journaled = (id: string, path: Set<string>): boolean => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    let result = ownReason(id) === undefined;
    if (!result && !path.has(id)) {
      path.add(id);
      const kids = [...new Set(childrenOf(own(h, id)))].filter((k) => workCounts(h, k, counts).total > 0);
      result = kids.length > 0 && kids.every((k) => journaled(k, path));
      path.delete(id);
    }
    memo.set(id, result);
    return result;
  };
  const out: UnjournaledNode[] = [];
  // Every node of the map, reachable or not; tree order first for stable output.
  const ids = [...new Set([...descendants(h, ROOT_ID), ...Object.keys(h)])];
  for (const id of ids) {
    const n = own(h, id);
    if (!isObject(n) || n.status !== "completed" || !journaledTypes.has(String(n.type))) continue;
    if (journaled(id, new Set())) continue;
    const md = isObject(n.metadata) ? n.metadata : {};
    const completedAt = typeof md.completed_at === "string" ? md.completed_at : null;
    const u: UnjournaledNode = {
      node_id: id,
      type: String(n.type),
      title: asText(n.title, id),
      completed_at: completedAt,
      parent_id: typeof n.parent === "string" ? n.parent : null,
      reason: ownReason(id) ?? "no-entry",
    };
    const below = descendants(h, id).filter(
      (d) => d !== id && childrenOf(own(h, d)).length === 0 && (counts.get(d)?.total ?? 0) > 0 && !journaled(d, new Set()),
    );
    if (childrenOf(n).length > 0 && below.length > 0) u.below = below;
    out.push(u);
  }
  return out;
}

const REASONS: Record<UnjournaledNode["reason"], string> = {
  "no-entry": "has no journal entry",
  "no-entry-since-completion": "has no journal entry made at or after its completion",
  flagged: "is still flagged needs_journaling",
};

export function unjournaledFindings(nodes: UnjournaledNode[]): RawFinding[] {
  return nodes.map((u) => ({
    code: "unjournaled",
    severity: SEVERITY_OF.unjournaled,
    pointer: `/hierarchy/${escapePointerToken(u.node_id)}`,
    message:
      `completed ${u.type} ${JSON.stringify(u.node_id)} (${u.title}) ${REASONS[u.reason]}` +
      (u.below === undefined
        ? ""
        : `, nor is all the work below it: ${u.below.slice(0, 5).join(", ")}${u.below.length > 5 ? ", ..." : ""} not journaled`),
  }));
}
