/**
 * The fields the Python tool printed with `--json`, under its names, built from sdd's own
 * results. `--json` lays them over the envelope; compatibility mode (`--compat`, or the
 * config) prints them alone, in the old shape. Values carry sdd's meaning where the two
 * tools differ on purpose (docs/migration.md lists each difference).
 */
import type { DepsReport, NodeSummary } from "../core/spec/queries.js";

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/** `2026-01-02T03:04:05.678Z` -> `20260102030405`, the Python tool's journal entry id stamp. */
export function compactStamp(ts: string): string {
  return ts
    .replace(/\.\d+/, "")
    .replace(/[^0-9]/g, "")
    .slice(0, 14);
}

function nodeOf(doc: unknown, id: string): Json {
  const h = isObj(doc) && isObj(doc.hierarchy) ? doc.hierarchy : {};
  const n = h[id];
  return isObj(n) ? n : {};
}

function changes(before: Json, after: Json): Json {
  const out: Json = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = { before: before[k] ?? null, after: after[k] ?? null };
  }
  return out;
}

/** complete-task's `diff`: what the completion changed on the task, the spec metadata and the journal. */
export function completionDiff(before: unknown, after: unknown, task: string): Json {
  const b = nodeOf(before, task);
  const a = nodeOf(after, task);
  const diff: Json = {};
  if (b.status !== a.status) diff.status = { before: b.status ?? null, after: a.status ?? null };
  diff.task_metadata = changes(isObj(b.metadata) ? b.metadata : {}, isObj(a.metadata) ? a.metadata : {});
  const bm = isObj(before) && isObj(before.metadata) ? before.metadata : {};
  const am = isObj(after) && isObj(after.metadata) ? after.metadata : {};
  diff.spec_metadata = changes(bm, am);
  const bj = isObj(before) && Array.isArray(before.journal) ? before.journal : [];
  const aj = isObj(after) && Array.isArray(after.journal) ? after.journal : [];
  diff.journal_entries_added = aj.slice(bj.length);
  return diff;
}

/** The number of type=task nodes: what the Python tool's complete-spec reported as total_tasks. */
export function taskNodeCount(doc: unknown): number {
  const h = isObj(doc) && isObj(doc.hierarchy) ? doc.hierarchy : {};
  return Object.values(h).filter((n) => isObj(n) && n.type === "task").length;
}

/** A node as get-task / task-info printed it: its stored fields (task-info adds `id`). */
export function rawNode(node: Json): Json {
  const out: Json = {};
  for (const k of ["type", "title", "status", "parent", "children", "dependencies", "total_tasks", "completed_tasks", "metadata"]) {
    if (k in node) out[k] = node[k];
  }
  for (const [k, v] of Object.entries(node)) if (!(k in out)) out[k] = v;
  return out;
}

/** progress (and status-report's overall_progress) as the Python tool printed it. */
export function progressFields(
  specId: string,
  title: string,
  status: string,
  p: { node_id: string; total_tasks: number; completed_tasks: number; percentage: number; remaining_tasks: number },
  phase: { id: string; title: string; completed: number; total: number } | null,
): Json {
  return {
    node_id: p.node_id,
    spec_id: specId,
    title,
    type: "spec",
    status,
    total_tasks: p.total_tasks,
    completed_tasks: p.completed_tasks,
    percentage: p.percentage,
    remaining_tasks: p.remaining_tasks,
    current_phase: phase === null ? null : { id: phase.id, title: phase.title, completed: phase.completed, total: phase.total },
  };
}

/** A dependency as the Python tool printed it: with the node's file_path as `file`. */
export function legacyDeps(h: Record<string, unknown>, r: DepsReport): Record<string, unknown> {
  const withFile = (d: NodeSummary): Record<string, unknown> => {
    const md = (h[d.id] as { metadata?: { file_path?: unknown } } | undefined)?.metadata;
    return { id: d.id, title: d.title, status: d.status, file: typeof md?.file_path === "string" ? md.file_path : "" };
  };
  return {
    task_id: r.task_id,
    can_start: r.can_start,
    // With the ancestors' blocked_by too (each with its `via`): what the node really waits for.
    blocked_by: r.blocked_by.map((b) => ({ ...withFile(b), via: b.via })),
    soft_depends: r.soft_depends.map(withFile),
    blocks: r.blocks.map(withFile),
  };
}
