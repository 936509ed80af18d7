/** Planners for metadata edits: revisions and task metadata. */
import jsonpatch, { type Operation } from "fast-json-patch";
import { UsageError } from "../errors.js";
import { BLOCKER_KEYS, CLAIM_KEYS, isObject, type JsonObject } from "../spec/model.js";
import type { Plan, PlanContext } from "../spec/plan.js";
import { currentPhase, progressOf } from "../spec/queries.js";
import { editNode, getNode } from "./node.js";

export interface RevisionInput {
  version: string;
  changes: string;
  author: string;
}

export function planRevision(ctx: PlanContext, input: RevisionInput): Plan<{ version: string; replaced: boolean }> {
  const before = isObject(ctx.doc.metadata) ? ctx.doc.metadata : {};
  const md = jsonpatch.deepClone(before) as JsonObject;
  const list = Array.isArray(md.revisions) ? (md.revisions as unknown[]) : [];
  const entry = { version: input.version, date: ctx.timestamp, author: input.author, changes: input.changes };
  const at = list.findIndex((r) => isObject(r) && r.version === input.version);
  if (at >= 0) list[at] = entry;
  else list.push(entry);
  md.revisions = list;
  md.version = input.version;
  const ops: Operation[] = isObject(ctx.doc.metadata)
    ? jsonpatch.compare(before, md).map((op) => ({ ...op, path: "/metadata" + op.path }) as Operation)
    : [{ op: "add", path: "/metadata", value: md }];
  return { ops, result: { version: input.version, replaced: at >= 0 } };
}

/** Keys that status transitions own: set through the status commands, never by hand. */
const TRACKING_KEYS = new Set(["started_at", "completed_at", "needs_journaling", "journaled_at", ...BLOCKER_KEYS]);
/** Keys claims own (docs/agents.md): set through claim, renew, release and complete-task. */
const CLAIM_OWNED = new Set<string>([...CLAIM_KEYS, "completed_by"]);

export interface TaskMetadataInput {
  task: string;
  set: JsonObject;
  unset: string[];
  force?: boolean;
}

export function planTaskMetadata(
  ctx: PlanContext,
  input: TaskMetadataInput,
): Plan<{ task_id: string; updated_fields: string[]; removed_fields: string[] }> {
  getNode(ctx.doc, input.task, ctx.ref.id, ctx.ref.file);
  const touched = [...Object.keys(input.set), ...input.unset];
  if (touched.length === 0) throw new UsageError("nothing to update: give at least one field flag, --metadata JSON or --unset KEY");
  const owned = touched.filter((k) => TRACKING_KEYS.has(k));
  const claimKeys = touched.filter((k) => CLAIM_OWNED.has(k));
  if (claimKeys.length > 0 && input.force !== true) {
    throw new UsageError(
      `${claimKeys.join(", ")} ${claimKeys.length === 1 ? "is" : "are"} kept by the claim commands; use sdd claim, renew, release or complete-task, or --force to edit anyway`,
    );
  }
  if (owned.length > 0 && input.force !== true) {
    throw new UsageError(
      `${owned.join(", ")} ${owned.length === 1 ? "is" : "are"} kept by the status commands; use update-status, or --force to edit anyway`,
    );
  }
  const ops = editNode(ctx.doc, input.task, ctx.ref.file, (n) => {
    for (const [k, v] of Object.entries(input.set)) {
      if (k === "__proto__") continue;
      n.metadata[k] = v;
    }
    for (const k of input.unset) delete n.metadata[k];
  });
  return { ops, result: { task_id: input.task, updated_fields: Object.keys(input.set), removed_fields: input.unset } };
}

/** Set keys of the spec's own metadata (update-frontmatter, sync-metadata). */
export function planSpecMetadata(ctx: PlanContext, set: JsonObject): Plan<{ updated_fields: string[] }> {
  const before = isObject(ctx.doc.metadata) ? ctx.doc.metadata : {};
  const md = jsonpatch.deepClone(before) as JsonObject;
  for (const [k, v] of Object.entries(set)) if (k !== "__proto__") md[k] = v;
  const ops: Operation[] = isObject(ctx.doc.metadata)
    ? jsonpatch.compare(before, md).map((op) => ({ ...op, path: "/metadata" + op.path }) as Operation)
    : [{ op: "add", path: "/metadata", value: md }];
  return { ops, result: { updated_fields: Object.keys(set) } };
}

/** Store the computed progress and current phase in the spec's metadata (for tools that read them, not compute them). */
export function planSyncMetadata(ctx: PlanContext): Plan<{ updated_fields: string[] }> {
  return planSpecMetadata(ctx, { progress_percentage: progressOf(ctx.doc).percentage, current_phase: currentPhase(ctx.doc)?.id ?? null });
}
