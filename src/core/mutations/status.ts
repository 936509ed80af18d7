/**
 * Status transitions (docs/status-rules.md). One function decides what every transition
 * does to a node's tracking metadata, whichever command asked for it.
 */
import type { Operation } from "fast-json-patch";
import { ConflictError, FindingsError } from "../errors.js";
import { BLOCKER_KEYS, CLAIM_KEYS, isObject, type JsonObject, type Status } from "../spec/model.js";
import type { Plan, PlanContext } from "../spec/plan.js";
import { appendOp, editNode, getNode, nodePointer, workBelow } from "./node.js";

export interface TransitionOptions {
  timestamp: string;
  journaled: boolean;
  note?: string | undefined;
  blocker?: { type: string; description: string; ticket?: string | undefined } | undefined;
  resolution?: string | undefined;
  /** complete-task: record actual_hours from started_at when none is recorded. */
  actualHours?: boolean;
  /** complete-task: the agent that completed the task, kept as completed_by. */
  agent?: string | undefined;
}

/** Hours between two timestamps, rounded to 0.001; undefined unless positive. */
export function hoursBetween(start: unknown, end: string): number | undefined {
  if (typeof start !== "string") return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  const h = Math.round((ms / 3_600_000) * 1000) / 1000;
  return h > 0 ? h : undefined;
}

/** Apply a transition to a node's copy: its status and the metadata that goes with it. */
export function transition(node: { status: unknown; metadata: JsonObject }, to: Status, o: TransitionOptions): void {
  const md = node.metadata;
  const from = node.status;
  node.status = to;
  if (from === "blocked" && to !== "blocked") {
    const record: JsonObject = {
      blocked_at: md.blocked_at ?? null,
      blocker_type: md.blocker_type ?? null,
      description: md.blocker_description ?? null,
    };
    if (md.blocker_ticket !== undefined) record.ticket = md.blocker_ticket;
    record.resolved_at = o.timestamp;
    record.resolution = o.resolution ?? `status set to ${to}`;
    md.resolved_blockers = [...(Array.isArray(md.resolved_blockers) ? (md.resolved_blockers as unknown[]) : []), record];
  }
  if (to !== "blocked") for (const k of BLOCKER_KEYS) delete md[k];
  // A claim means "in progress by this agent": any other status ends it.
  if (to !== "in_progress") for (const k of CLAIM_KEYS) delete md[k];
  if (to !== "completed") delete md.completed_by;
  if (from === "completed" && to !== "completed") {
    delete md.completed_at;
    delete md.needs_journaling;
    delete md.journaled_at;
  }
  switch (to) {
    case "in_progress":
      if (typeof md.started_at !== "string") md.started_at = o.timestamp;
      break;
    case "completed":
      md.completed_at = o.timestamp;
      if (o.actualHours === true && md.actual_hours === undefined) {
        const h = hoursBetween(md.started_at, o.timestamp);
        if (h !== undefined) md.actual_hours = h;
      }
      if (o.agent !== undefined) md.completed_by = o.agent;
      if (o.journaled) md.needs_journaling = true;
      delete md.journaled_at;
      break;
    case "pending":
      delete md.started_at;
      break;
    case "blocked":
      md.blocked_at = o.timestamp;
      if (o.blocker !== undefined) {
        // A new blocker replaces the old one whole: no ticket of the previous blocker survives.
        delete md.blocker_ticket;
        md.blocker_type = o.blocker.type;
        md.blocker_description = o.blocker.description;
        if (o.blocker.ticket !== undefined) md.blocker_ticket = o.blocker.ticket;
        md.blocked_by_external = o.blocker.type === "resource" || o.blocker.type === "dependency";
      }
      break;
  }
  if (o.note !== undefined) md.status_note = o.note;
  else if (from !== to) delete md.status_note;
}

export interface StatusChangeInput {
  task: string;
  status: Status;
  from?: Status | undefined;
  note?: string | undefined;
  journaledTypes: ReadonlySet<string>;
  blocker?: TransitionOptions["blocker"];
  resolution?: string | undefined;
  actualHours?: boolean;
  agent?: string | undefined;
}

export interface StatusChangeResult {
  task_id: string;
  old_status: string;
  new_status: Status;
}

export function planStatusChange(ctx: PlanContext, input: StatusChangeInput): Plan<StatusChangeResult> & { ops: Operation[] } {
  const { doc, ref } = ctx;
  const node = getNode(doc, input.task, ref.id, ref.file);
  const old = String(node.status);
  if (input.from !== undefined && old !== input.from) {
    throw new ConflictError("precondition-failed", `task ${JSON.stringify(input.task)} is ${old}, not ${input.from}; nothing was changed`, {
      file: ref.file,
      fix: `sdd task-info ${ref.id} ${input.task}`,
    });
  }
  const work = workBelow(doc, input.task);
  // Completing a container whose work is all done agrees with its roll-up: allowed, so the
  // old workflow (complete the subtasks, then the parent) keeps working.
  const agreesWithRollup = input.status === "completed" && work.completed === work.total;
  if (work.total > 0 && input.status !== "blocked" && old !== "blocked" && !agreesWithRollup) {
    throw new FindingsError(
      "derived-status",
      `${JSON.stringify(input.task)} has ${work.total} tasks below it (${work.completed} completed): its status follows them; update those tasks, or mark it blocked`,
      { file: ref.file, fix: `sdd next-task ${ref.id}` },
    );
  }
  const result: StatusChangeResult = { task_id: input.task, old_status: old, new_status: input.status };
  if (old === input.status && input.note === undefined && input.blocker === undefined) return { ops: [], result };
  const ops = editNode(doc, input.task, ref.file, (n) =>
    transition(n, input.status, {
      timestamp: ctx.timestamp,
      journaled: input.journaledTypes.has(String(n.type)),
      note: input.note,
      blocker: input.blocker,
      resolution: input.resolution,
      actualHours: input.actualHours === true,
      agent: input.agent,
    }),
  );
  return { ops, result };
}

export interface JournalInput {
  title: string;
  content: string;
  entryType: string;
  author: string;
  taskId?: string | undefined;
}

export function journalEntry(input: JournalInput, ts: string): JsonObject {
  const e: JsonObject = {
    timestamp: ts,
    entry_type: input.entryType,
    title: input.title,
    author: input.author,
    content: input.content,
    metadata: {},
  };
  if (input.taskId !== undefined) e.task_id = input.taskId;
  return e;
}

/** Operations that append a journal entry and mark its node journaled. */
export function planJournal(ctx: PlanContext, input: JournalInput, doc: JsonObject = ctx.doc): Operation[] {
  const ops = appendOp(doc, "journal", journalEntry(input, ctx.timestamp));
  if (input.taskId !== undefined) {
    getNode(doc, input.taskId, ctx.ref.id, ctx.ref.file);
    ops.push(...editNode(doc, input.taskId, ctx.ref.file, (n) => markJournaled(n.metadata, n.status, ctx.timestamp)));
  }
  return ops;
}

function markJournaled(md: JsonObject, status: unknown, ts: string): void {
  if (md.needs_journaling !== undefined) md.needs_journaling = false;
  if (status === "completed") md.journaled_at = ts;
}

const CONTAINER_LABEL: Record<string, string> = { phase: "Phase", group: "Group", task: "Task", spec: "Spec" };

/** complete-task: status, timestamps, the task's journal entry, and entries for parents completed by roll-up. */
export function planCompleteTask(
  ctx: PlanContext,
  input: StatusChangeInput & { journal: Omit<JournalInput, "taskId"> },
): Plan<StatusChangeResult & { journal_entries: number }> {
  if (String(getNode(ctx.doc, input.task, ctx.ref.id, ctx.ref.file).status) === "completed") return journalCompleted(ctx, input);
  const change = planStatusChange(ctx, { ...input, status: "completed", actualHours: true });
  const result = { ...change.result, journal_entries: 1 };
  return {
    ops: change.ops,
    result,
    afterRollup: (doc, rollup) => {
      const ops = planJournal(ctx, { ...input.journal, taskId: input.task }, doc);
      for (const r of rollup) {
        if (r.to !== "completed") continue;
        const n = (doc.hierarchy as JsonObject)[r.id];
        if (!isObject(n)) continue;
        const label = CONTAINER_LABEL[String(n.type)] ?? "Node";
        const entry = journalEntry(
          {
            title: `${label} Completed: ${String(n.title)}`,
            content: `All tasks of ${r.id} are completed.`,
            entryType: "status_change",
            author: input.journal.author,
            taskId: r.id,
          },
          ctx.timestamp,
        );
        ops.push({ op: "add", path: "/journal/-", value: entry });
        const md = isObject(n.metadata) ? n.metadata : {};
        const mdPath = `${nodePointer(r.id)}/metadata`;
        if (md.needs_journaling !== undefined) ops.push({ op: "replace", path: `${mdPath}/needs_journaling`, value: false });
        ops.push({ op: "add", path: `${mdPath}/journaled_at`, value: ctx.timestamp });
        result.journal_entries++;
      }
      return ops;
    },
  };
}

/**
 * complete-task on a node that is already completed (typically a parent completed by its
 * subtasks' roll-up): its completion time stays; the note and the journal entry are
 * recorded when a note is given or the node still needs journaling, else nothing changes.
 */
function journalCompleted(
  ctx: PlanContext,
  input: StatusChangeInput & { journal: Omit<JournalInput, "taskId"> },
): Plan<StatusChangeResult & { journal_entries: number }> {
  const node = getNode(ctx.doc, input.task, ctx.ref.id, ctx.ref.file);
  const md = isObject(node.metadata) ? node.metadata : {};
  const result = { task_id: input.task, old_status: "completed", new_status: "completed" as Status, journal_entries: 0 };
  const unjournaled = md.needs_journaling === true || (input.journaledTypes.has(String(node.type)) && md.journaled_at === undefined);
  if (input.note === undefined && !unjournaled) return { ops: [], result };
  const ops: Operation[] = [];
  if (input.note !== undefined) ops.push(...editNode(ctx.doc, input.task, ctx.ref.file, (n) => void (n.metadata.status_note = input.note)));
  result.journal_entries = 1;
  return { ops, result, afterRollup: (doc) => planJournal(ctx, { ...input.journal, taskId: input.task }, doc) };
}
