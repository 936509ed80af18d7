/**
 * Reports of the Python tool's read-only agent commands (get-task, list-blockers,
 * query-tasks, spec-stats), answered with sdd's one definition of counts and completion.
 */
import { getNode } from "../mutations/node.js";
import { isObject, type JsonObject, type SpecNode } from "../spec/model.js";
import * as q from "../spec/queries.js";
import { journalOf, open, type SpecReportOptions } from "./open.js";

export interface GetTaskReport {
  spec_id: string;
  node: SpecNode;
  /** The node's journal entries, when asked for. */
  journal?: unknown[];
}

export function getTask(o: SpecReportOptions & { task: string; includeJournal: boolean }): GetTaskReport {
  const { s, doc } = open(o);
  const node = getNode(doc, o.task, s.ref.id, s.shown);
  return { spec_id: s.ref.id, node, ...(o.includeJournal ? { journal: journalOf(doc, o.task) } : {}) };
}

export interface BlockedNode {
  id: string;
  title: string;
  type: unknown;
  blocked_at: unknown;
  blocker_type: unknown;
  blocker_description: unknown;
  blocker_ticket: unknown;
  blocked_by_external: unknown;
}

export function listBlockers(o: SpecReportOptions): { spec_id: string; blockers: BlockedNode[] } {
  const { s, h } = open(o);
  const blockers = Object.entries(h)
    .filter((e): e is [string, JsonObject] => isObject(e[1]) && e[1].status === "blocked")
    .map(([id, n]) => {
      const md = isObject(n.metadata) ? n.metadata : {};
      return {
        id,
        title: typeof n.title === "string" ? n.title : id,
        type: n.type ?? null,
        blocked_at: md.blocked_at ?? "",
        blocker_type: md.blocker_type ?? "",
        blocker_description: md.blocker_description ?? "",
        blocker_ticket: md.blocker_ticket ?? "",
        blocked_by_external: md.blocked_by_external ?? false,
      };
    });
  return { spec_id: s.ref.id, blockers };
}

export interface QueryTasksOptions extends SpecReportOptions {
  status?: string;
  type?: string;
  parent?: string;
  /** At most this many (0: all). */
  limit: number;
}

export interface QueriedTask {
  id: string;
  title: string;
  type: unknown;
  status: unknown;
  parent: unknown;
  completed_tasks: number;
  total_tasks: number;
  metadata: JsonObject;
}

/** Nodes filtered by status, type or parent; spec-root is one of them only when filtering by type or parent. */
export function queryTasks(o: QueryTasksOptions): { spec_id: string; matched: number; tasks: QueriedTask[] } {
  const { s, doc, h } = open(o);
  const rootToo = o.type !== undefined || o.parent !== undefined;
  const matches = Object.entries(h).filter(
    (e): e is [string, JsonObject] =>
      isObject(e[1]) &&
      (rootToo || e[0] !== "spec-root") &&
      (o.status === undefined || e[1].status === o.status) &&
      (o.type === undefined || e[1].type === o.type) &&
      (o.parent === undefined || e[1].parent === o.parent),
  );
  const tasks = (o.limit === 0 ? matches : matches.slice(0, o.limit)).map(([id, n]) => {
    const p = q.progressOf(doc, id);
    return {
      id,
      title: typeof n.title === "string" ? n.title : id,
      type: n.type ?? null,
      status: n.status ?? null,
      parent: n.parent ?? null,
      completed_tasks: p.completed_tasks,
      total_tasks: p.total_tasks,
      metadata: isObject(n.metadata) ? n.metadata : {},
    };
  });
  return { spec_id: s.ref.id, matched: matches.length, tasks };
}

export interface SpecStats {
  spec_id: string;
  /** The spec file as users see it. */
  shown: string;
  progress: q.Progress;
  summary: { total_nodes: number; phase_count: number; task_count: number; verify_count: number; subtask_count: number };
  /** The Python tool's spec-stats fields. */
  stats: Record<string, unknown> & { file_size: number; line_count: number };
}

export function specStats(o: SpecReportOptions): SpecStats {
  const { s, doc, h } = open(o);
  // The text as read (strict UTF-8, so its bytes are exactly the file's, less any BOM).
  const text = s.loaded.text;
  const size = Buffer.byteLength(text, "utf8") + (s.loaded.bom ? 3 : 0);
  const count = (type: string): number => Object.values(h).filter((n) => isObject(n) && n.type === type).length;
  const p = q.progressOf(doc);
  const summary = {
    total_nodes: Object.keys(h).length,
    phase_count: count("phase"),
    task_count: count("task"),
    verify_count: count("verify"),
    subtask_count: count("subtask"),
  };
  const frontmatter: JsonObject = {};
  for (const k of ["spec_id", "title", "generated", "last_updated", "metadata"]) if (k in doc) frontmatter[k] = doc[k];
  const stats = {
    spec_file: s.ref.file,
    exists: true,
    file_size: size,
    line_count: text.split("\n").length - (text.endsWith("\n") ? 1 : 0),
    phase_count: summary.phase_count,
    task_count: summary.task_count,
    verify_count: summary.verify_count,
    hierarchy_summary: summary,
    frontmatter,
    state_info: {
      spec_id: doc.spec_id ?? s.ref.id,
      generated: doc.generated ?? null,
      last_updated: doc.last_updated ?? null,
      total_nodes: summary.total_nodes,
      total_tasks: p.total_tasks,
      completed_tasks: p.completed_tasks,
      progress_percentage: p.percentage,
    },
  };
  return { spec_id: s.ref.id, shown: s.shown, progress: p, summary, stats };
}
