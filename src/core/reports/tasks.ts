/** Read-only reports about tasks: task-info, next-task, check-deps, and a spec's history. */
import { claimsOf, type ClaimView } from "../claims/index.js";
import { escapePointerToken } from "../json/source.js";
import { getNode } from "../mutations/node.js";
import { isObject, type JsonObject, type SpecNode } from "../spec/model.js";
import * as q from "../spec/queries.js";
import { resolveSpec, type SpecsLocation } from "../store/discovery.js";
import { readHistory, type HistoryEntry } from "../store/history.js";
import { journalOf, open, type SpecReportOptions } from "./open.js";

export interface TaskInfo {
  spec_id: string;
  /** The spec file as users see it, and the node's line in it. */
  file: string;
  line: number;
  node: SpecNode;
  progress: q.Progress;
  deps: q.DepsReport;
  journal: unknown[];
  claim: ClaimView | null;
}

export function taskInfo(o: SpecReportOptions & { task: string }): TaskInfo {
  const { s, doc } = open(o);
  const node = getNode(doc, o.task, s.ref.id, s.shown);
  const progress = q.progressOf(doc, o.task);
  const deps = q.depsOf(doc, o.task);
  const journal = journalOf(doc, o.task);
  const claim = claimsOf({ specsDir: o.loc.specsDir, specId: s.ref.id, doc, env: o.env }).find((c) => c.task_id === o.task) ?? null;
  const pos = s.loaded.source.locate(`/hierarchy/${escapePointerToken(o.task)}`);
  return { spec_id: s.ref.id, file: s.shown, line: pos.line, node, progress, deps, journal, claim };
}

export interface NextTaskReport extends q.NextTask {
  spec_id: string;
  claims: ClaimView[];
  /** The agent whose live claim (in another worktree) holds the task offered, if any. */
  held_by: string | null;
  /** The offered task's stored metadata (the Python tool printed some of it). */
  metadata: JsonObject;
}

export function nextTaskReport(o: SpecReportOptions): NextTaskReport {
  const { s, doc, h } = open(o);
  const r = q.nextTask(doc);
  const claims = claimsOf({ specsDir: o.loc.specsDir, specId: s.ref.id, doc, env: o.env });
  const held_by = claims.find((c) => c.live && c.task_id === r.task?.id)?.agent ?? null;
  const node = r.task === null ? undefined : h[r.task.id];
  const metadata = isObject(node) && isObject(node.metadata) ? node.metadata : {};
  return { ...r, spec_id: s.ref.id, claims, held_by, metadata };
}

export interface DepsCheck {
  spec_id: string;
  /** One report when a task was named, else one per task, subtask and verify node. */
  reports: q.DepsReport[];
  /** The reports of type=task nodes only (what the Python tool listed when no task was given). */
  task_reports: q.DepsReport[];
  hierarchy: JsonObject;
}

export function checkDeps(o: SpecReportOptions & { task?: string }): DepsCheck {
  const { s, doc, h } = open(o);
  if (o.task !== undefined) getNode(doc, o.task, s.ref.id, s.shown);
  const ids = o.task !== undefined ? [o.task] : Object.keys(h).filter((id) => q.isWork(h[id]));
  const reports = ids.map((id) => q.depsOf(doc, id));
  const task_reports = reports.filter((r) => {
    const n = h[r.task_id];
    return isObject(n) && n.type === "task";
  });
  return { spec_id: s.ref.id, reports, task_reports, hierarchy: h };
}

export interface HistoryReport {
  spec_id: string;
  entries: HistoryEntry[];
}

/** The recorded changes to a spec, oldest first; with `limit`, only the newest that many. */
export function historyReport(o: { loc: SpecsLocation; spec: string; cwd: string; limit?: number }): HistoryReport {
  const ref = resolveSpec(o.spec, o.loc.specsDir, o.cwd);
  const entries = readHistory(o.loc.specsDir, ref.id);
  return { spec_id: ref.id, entries: o.limit === undefined ? entries : entries.slice(-o.limit) };
}
