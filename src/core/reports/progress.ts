/**
 * Read-only reports of how far specs are: progress, status-report, check-complete,
 * list-specs and find-specs. Counts are recomputed from the hierarchy, never trusted.
 */
import { claimsOf, type ClaimView } from "../claims/index.js";
import { findUnjournaled, type UnjournaledNode } from "../spec/journaling.js";
import { childrenOf, incompleteWork, isObject, own, ROOT_ID } from "../spec/model.js";
import * as q from "../spec/queries.js";
import { listSpecFiles, type SpecsLocation } from "../store/discovery.js";
import { journaledTypes, openSpecs } from "../store/spec-set.js";
import { getNode } from "../mutations/node.js";
import { open, type SpecReportOptions } from "./open.js";

type Phase = ReturnType<typeof q.currentPhase>;

export interface ProgressReport {
  spec_id: string;
  title: string;
  /** The status the work shows (a stored root status can be stale: old tools wrote it once). */
  status: string;
  stored_status: string;
  folder: string | null;
  progress: q.Progress;
  current_phase: Phase;
  claims: ClaimView[];
}

export function progressReport(o: SpecReportOptions): ProgressReport {
  const { s, doc, h } = open(o);
  return {
    spec_id: s.ref.id,
    title: q.specTitle(doc),
    progress: q.progressOf(doc),
    status: q.derivedStatus(doc),
    current_phase: q.currentPhase(doc),
    claims: claimsOf({ specsDir: o.loc.specsDir, specId: s.ref.id, doc, env: o.env }),
    stored_status: q.summarize(h, ROOT_ID).status,
    folder: s.ref.folder ?? null,
  };
}

export interface StatusReport {
  spec_id: string;
  title: string;
  folder: string | null;
  overall: q.Progress;
  /** The root's derived status and current phase (what the Python tool's overall_progress held). */
  status: string;
  current_phase: Phase;
  phases: (q.NodeSummary & q.Progress)[];
  /** Each phase's derived status, in the order of `phases`. */
  phase_statuses: string[];
  counts: ReturnType<typeof q.statusCounts>;
  incomplete: string[];
  unjournaled: UnjournaledNode[];
  can_finalize: boolean;
}

export function statusReport(o: SpecReportOptions): StatusReport {
  const { s, doc, h } = open(o);
  const overall = q.progressOf(doc);
  const phases = childrenOf(own(h, ROOT_ID))
    .filter((id) => isObject(own(h, id)))
    .map((id) => ({ ...q.summarize(h, id), ...q.progressOf(doc, id) }));
  const counts = q.statusCounts(doc);
  const incomplete = incompleteWork(h, ROOT_ID);
  const unjournaled = findUnjournaled(doc, journaledTypes(o.loc.config.config));
  return {
    spec_id: s.ref.id,
    title: q.specTitle(doc),
    folder: s.ref.folder ?? null,
    overall,
    status: q.derivedStatus(doc),
    current_phase: q.currentPhase(doc),
    phases,
    phase_statuses: phases.map((p) => q.derivedStatus(doc, p.id)),
    counts,
    incomplete,
    unjournaled,
    can_finalize: overall.complete && unjournaled.length === 0,
  };
}

export interface CheckCompleteReport {
  spec_id: string;
  node_id: string;
  progress: q.Progress;
  open: q.NodeSummary[];
}

/** Whether every piece of work below `node` (default: the whole spec) is completed. */
export function checkComplete(o: SpecReportOptions & { node?: string }): CheckCompleteReport {
  const { s, doc, h } = open(o);
  const nodeId = o.node ?? ROOT_ID;
  getNode(doc, nodeId, s.ref.id, s.shown);
  return {
    spec_id: s.ref.id,
    node_id: nodeId,
    progress: q.progressOf(doc, nodeId),
    open: incompleteWork(h, nodeId).map((id) => q.summarize(h, id)),
  };
}

export interface SpecRow {
  spec_id: string;
  status: string | null;
  title: string;
  progress_percentage: number;
  total_tasks: number;
  completed_tasks: number;
  complete: boolean;
  file: string;
}

export interface SpecsList {
  specs_dir: string;
  rows: SpecRow[];
  unreadable: { spec_id: string; status: string | null; file: string; error: string }[];
  /** The Python tool's rows and order: active specs first, then by progress, highest first. */
  legacy: Record<string, unknown>[];
}

export function listSpecs(o: { loc: SpecsLocation; cwd: string; folder: string; detailed: boolean }): SpecsList {
  const { specs, unreadable } = openSpecs(o.loc, [], o.cwd);
  const want = (folder: string | undefined): boolean => o.folder === "all" || folder === o.folder;
  const shown = specs.filter((s) => want(s.ref.folder));
  const rows = shown.map((s) => {
    const p = q.progressOf(s.loaded.value);
    return {
      spec_id: s.ref.id,
      status: s.ref.folder ?? null,
      title: q.specTitle(s.loaded.value),
      progress_percentage: p.percentage,
      total_tasks: p.total_tasks,
      completed_tasks: p.completed_tasks,
      complete: p.complete,
      file: s.shown,
    };
  });
  const broken = unreadable
    .filter((u) => want(u.ref.folder))
    .map((u) => ({ spec_id: u.ref.id, status: u.ref.folder ?? null, file: u.shown, error: u.error.message }));
  const legacy = shown
    .map((s, i) => {
      const row = rows[i] as SpecRow;
      const doc = s.loaded.value as { metadata?: unknown };
      const m = isObject(doc.metadata) ? doc.metadata : {};
      const out: Record<string, unknown> = {
        spec_id: row.spec_id,
        status: row.status,
        title: row.title,
        total_tasks: row.total_tasks,
        completed_tasks: row.completed_tasks,
        progress_percentage: row.progress_percentage,
        // As stored (progress computes the current phase).
        current_phase: m.current_phase ?? null,
        version: m.version ?? null,
        created_at: m.created_at ?? null,
        updated_at: m.updated_at ?? null,
      };
      if (o.detailed) Object.assign(out, { description: m.description ?? null, author: m.author ?? null, file_path: s.ref.file });
      return { out, active: s.ref.folder === "active", pct: row.progress_percentage, i };
    })
    .sort((a, b) => Number(b.active) - Number(a.active) || b.pct - a.pct || a.i - b.i)
    .map((x) => x.out);
  return { specs_dir: o.loc.specsDir, rows, unreadable: broken, legacy };
}

export interface SpecsDirReport {
  spec_count: number;
  folders: Record<string, number>;
}

/** How many specs each lifecycle folder of the specs directory holds. */
export function specsDirReport(loc: SpecsLocation): SpecsDirReport {
  const files = listSpecFiles(loc.specsDir);
  const folders: Record<string, number> = { pending: 0, active: 0, completed: 0, archived: 0 };
  for (const f of files) if (f.folder !== undefined) folders[f.folder] = (folders[f.folder] ?? 0) + 1;
  return { spec_count: files.length, folders };
}
