/**
 * The journaling gate (CONTRACT 4.3): a completed node of a journaled type needs a journal
 * entry with its task_id made at or after its completion (any entry when the completion
 * time is unknown), and must not still be flagged needs_journaling.
 */
import type { RawFinding } from "../findings.js";
import { escapePointerToken } from "../json/source.js";
import { hierarchyOf } from "./queries.js";
import { asText, descendants, isObject, own, ROOT_ID } from "./model.js";

export interface UnjournaledNode {
  node_id: string;
  type: string;
  title: string;
  completed_at: string | null;
  parent_id: string | null;
  reason: "no-entry" | "no-entry-since-completion" | "flagged";
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
  const out: UnjournaledNode[] = [];
  // Every node of the map, reachable or not; tree order first for stable output.
  const ids = [...new Set([...descendants(h, ROOT_ID), ...Object.keys(h)])];
  for (const id of ids) {
    const n = own(h, id);
    if (!isObject(n) || n.status !== "completed" || !journaledTypes.has(String(n.type))) continue;
    const md = isObject(n.metadata) ? n.metadata : {};
    const completedAt = typeof md.completed_at === "string" ? md.completed_at : null;
    const doneTime = completedAt === null ? Number.NaN : Date.parse(completedAt);
    let reason: UnjournaledNode["reason"] | undefined;
    if (!any.has(id)) reason = "no-entry";
    else if (!Number.isNaN(doneTime) && (latest.get(id) ?? -Infinity) < doneTime) reason = "no-entry-since-completion";
    else if (md.needs_journaling === true) reason = "flagged";
    if (reason !== undefined)
      out.push({
        node_id: id,
        type: String(n.type),
        title: asText(n.title, id),
        completed_at: completedAt,
        parent_id: typeof n.parent === "string" ? n.parent : null,
        reason,
      });
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
    severity: "error",
    pointer: `/hierarchy/${escapePointerToken(u.node_id)}`,
    message: `completed ${u.type} ${JSON.stringify(u.node_id)} (${u.title}) ${REASONS[u.reason]}`,
  }));
}
