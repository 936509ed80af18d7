/**
 * prepare-task: what an agent needs to start a task (the one given, or the next one): the
 * task, its prerequisites, its parent and phase with their counts, and its journal.
 */
import { getNode } from "../mutations/node.js";
import type { JsonObject, SpecNode } from "../spec/model.js";
import * as q from "../spec/queries.js";
import { journalOf, open, type SpecReportOptions } from "./open.js";

type Summary = q.NodeSummary & q.Progress;

export interface PreparedContext {
  previous_sibling: q.NodeSummary | null;
  parent_task: (Summary & { position_label: string; children: { id: string; title: string; status: string }[] }) | null;
  phase: Summary | null;
  task_journal: { entry_count: number; entries: unknown[] };
  dependencies: Pick<q.DepsReport, "blocked_by" | "soft_depends" | "blocks">;
}

export type PrepareReport =
  | { spec_id: string; task: null; complete: boolean; reason: string | null }
  | {
      spec_id: string;
      task: string;
      complete: boolean;
      node: SpecNode;
      deps: q.DepsReport;
      hierarchy: JsonObject;
      context: PreparedContext;
      /** Where the task sits: its phase and parent (with its position among the parent's children). */
      phase_id: string | null;
      phase_title: string | null;
      parent_id: string | null;
      position: number;
      siblings: number;
    };

export function prepareTask(o: SpecReportOptions & { task?: string }): PrepareReport {
  const { s, doc, h } = open(o);
  const picked = o.task ?? q.nextTask(doc).task?.id;
  const complete = q.progressOf(doc).complete;
  if (picked === undefined) return { spec_id: s.ref.id, task: null, complete, reason: q.nextTask(doc).reason ?? null };
  const node = getNode(doc, picked, s.ref.id, s.shown);
  const deps = q.depsOf(doc, picked);
  const parentId = typeof node.parent === "string" ? node.parent : null;
  const parent = parentId === null ? undefined : (h[parentId] as JsonObject | undefined);
  const siblings = parent !== undefined && Array.isArray(parent.children) ? (parent.children as string[]) : [];
  const idx = siblings.indexOf(picked);
  const prev = idx > 0 ? (siblings[idx - 1] as string) : null;
  const phaseId = [picked, ...q.ancestors(h, picked)].find((a) => (h[a] as JsonObject | undefined)?.type === "phase") ?? null;
  const summary = (id: string): Summary => ({ ...q.summarize(h, id), ...q.progressOf(doc, id) });
  const entries = journalOf(doc, picked);
  const context: PreparedContext = {
    previous_sibling: prev === null ? null : q.summarize(h, prev),
    parent_task:
      parentId === null
        ? null
        : {
            ...summary(parentId),
            position_label: `${idx + 1} of ${siblings.length} children`,
            children: siblings.map((c) => ({ id: c, title: q.summarize(h, c).title, status: q.summarize(h, c).status })),
          },
    phase: phaseId === null ? null : summary(phaseId),
    task_journal: { entry_count: entries.length, entries },
    dependencies: { blocked_by: deps.blocked_by, soft_depends: deps.soft_depends, blocks: deps.blocks },
  };
  return {
    spec_id: s.ref.id,
    task: picked,
    complete,
    node,
    deps,
    hierarchy: h,
    context,
    phase_id: phaseId,
    phase_title: phaseId === null ? null : q.summarize(h, phaseId).title,
    parent_id: parentId,
    position: idx + 1,
    siblings: siblings.length,
  };
}
