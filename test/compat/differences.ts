/**
 * Where `sdd` deliberately differs from the recorded Python tool, each with its reason. A
 * replayed case whose every mismatch is covered here counts as "listed"; anything else
 * fails the replay test. Every id appears in docs/migration.md (checked by the test).
 */
import type { CaseResult, Mismatch } from "./oracle-replay.js";

export interface Difference {
  id: string;
  /** What the replay sees, and why sdd does it this way. */
  why: string;
  match: (m: Mismatch, r: CaseResult) => boolean;
}

const field = (re: RegExp, commands?: readonly string[]) => (m: Mismatch, r: CaseResult) =>
  m.kind === "field" && re.test(m.path) && (commands === undefined || commands.includes(r.command));
const spec = (re: RegExp) => (m: Mismatch) => m.kind === "spec" && re.test(m.path);
const exit = (from: number, to: number, commands?: readonly string[], when?: (r: CaseResult) => boolean) => (m: Mismatch, r: CaseResult) =>
  m.kind === "exit" && m.old === from && m.new === to && (commands === undefined || commands.includes(r.command)) && (when?.(r) ?? true);
const errorCode = (r: CaseResult): string | undefined => {
  try {
    return (JSON.parse(r.stdout) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
};
const any =
  (...fs: ((m: Mismatch, r: CaseResult) => boolean)[]) =>
  (m: Mismatch, r: CaseResult) =>
    fs.some((f) => f(m, r));
/** Counts and percentages: sdd's one definition of work (see `counts`). */
const COUNT =
  /(^|\/)(total_tasks|completed_tasks|remaining_tasks|percentage|progress_percentage|incomplete_count|incomplete_tasks(\/length)?|is_complete|can_finalize|completed|pending|total)$/;

export const DIFFERENCES: readonly Difference[] = [
  {
    id: "not-found-exit-2",
    why: "an unknown spec, task or node exits 2 (usage error or not found), not 1: 1 means findings",
    match: (m, r) =>
      m.kind === "exit" && m.old === 1 && m.new === 2 && (/not-found|unknown/.test(errorCode(r) ?? "") || / not found in /.test(r.stderr)),
  },
  {
    id: "precondition-exit-3",
    why: "activate-spec on a completed spec and unblock-task on a task that is not blocked fail a precondition: exit 3",
    match: exit(1, 3, ["activate-spec", "unblock-task"]),
  },
  {
    id: "journal-unknown-node",
    why: "add-journal --task-id for a node that does not exist is refused (exit 2, nothing written), not saved with a warning",
    match: any(exit(0, 2, ["add-journal"]), (_m, r) => r.command === "add-journal" && r.case.case.includes("unknown-task")),
  },
  {
    id: "pending-backlog",
    why: "next-task and prepare-task answer for a spec in any folder; the Python tool refused a spec in pending/ until activate-spec",
    match: any(exit(1, 0, ["next-task", "prepare-task"], (r) => r.case.case.includes("welcome") || r.case.case.includes("synth-deps"))),
  },
  {
    id: "counts",
    why: "one definition of work: a leaf task, subtask or verify node counts one, an empty phase or group none; complete means every such node completed (the Python tool had three definitions and counted empty phases)",
    match: any(
      (m) => m.kind === "field" && COUNT.test(m.path),
      (m, r) => m.kind === "field" && r.command === "status-report" && /^\/(task_counts|phases|unjournaled)/.test(m.path),
      field(/^\/(\d+\/)?(total_tasks|completed_tasks|progress_percentage)$/, ["list-specs"]),
      spec(/^\/hierarchy\/[^/]+\/(total_tasks|completed_tasks)$/),
    ),
  },
  {
    id: "list-order",
    why: "list-specs sorts each folder by progress; a spec with no work is 0% (never complete), where the Python tool counted its empty phases as done, so such a spec sorts later and the rows after it shift",
    match: field(/^\/\d+\/(spec_id|status|version|description|file_path|folder|file|phases|current_phase)$/, ["list-specs"]),
  },
  {
    id: "no-work-incomplete",
    why: "a spec with no task, subtask or verify node is never complete (0%): nothing in it shows the work was done; the Python tool called a spec of empty phases complete",
    match: (_m, r) => ["check-complete", "prepare-task"].includes(r.command) && r.case.case.includes("chat-runtime-state-recovery"),
  },
  {
    id: "spec-title",
    why: "list-specs shows the spec's title wherever it is stored (top-level title or metadata.title); the Python tool printed Untitled unless metadata.title was set",
    match: field(/^\/\d+\/title$/, ["list-specs"]),
  },
  {
    id: "journaling-gate",
    why: "check-journaling checks the journal itself and exits 1 in every output mode; the Python tool only read the needs_journaling flag and its --json always exited 0",
    match: any(exit(0, 1, ["check-journaling"]), field(/^\/length$|^\/\d+/, ["check-journaling"])),
  },
  {
    id: "validation-rules",
    why: "validate runs sdd's rules (each finding once, with a code): counts, status and issues differ; the replay's inputs hold no work items, so work-item-missing fires; a spec with errors exits 1, warnings pass unless --strict",
    match: any(
      (m, r) => r.command === "validate" && m.kind === "exit",
      field(/^\/(errors|warnings|status|auto_fixable_issues|issues(\/.*)?|schema\/source)$/, ["validate"]),
    ),
  },
  {
    id: "found-by",
    why: "find-specs says auto_detected: false when --specs-dir named the folder",
    match: field(/^\/auto_detected$/, ["find-specs"]),
  },
  {
    id: "complete-spec-gate",
    why: "complete-spec requires complete and journaled work (else exit 1 unless --force); completing a completed spec again is a no-op (exit 0)",
    match: any(
      (m, r) => r.command === "complete-spec" && (m.kind === "exit" || m.kind === "folder"),
      (m, r) => r.command === "complete-spec" && m.kind === "field",
      (m, r) => r.command === "complete-spec" && m.kind === "spec" && /^\/metadata\/(completed_date|actual_hours)$/.test(m.path),
    ),
  },
  {
    id: "move-to-completed",
    why: "move-spec to completed/ is refused (exit 1) while work is open or unjournaled, unless --force",
    match: (m, r) =>
      r.command === "move-spec" &&
      (((m.kind === "exit" || m.kind === "folder" || m.kind === "field") && r.case.case.includes("completed")) ||
        // After a refused move the spec is still where it was.
        (m.kind === "field" && m.path === "/old_location")),
  },
  {
    id: "folder-status",
    why: "metadata.status always matches the spec's folder; the Python tool wrote active into specs still in pending/ and never updated it on move",
    match: any(spec(/^\/metadata\/status$/), field(/^\/diff\/spec_metadata\/status$/, ["complete-task"])),
  },
  {
    id: "no-stored-progress",
    why: "sdd does not write derived progress (metadata.progress_percentage, current_phase) on every change: it goes stale; progress and status-report compute it, sdd sync-metadata stores it on demand",
    match: any(
      spec(/^\/metadata\/(progress_percentage|current_phase)$/),
      field(/^\/diff\/spec_metadata\/(progress_percentage|current_phase)$/, ["complete-task"]),
    ),
  },
  {
    id: "journaled-types",
    why: "only nodes of a journaled type (config journaledTypes; default task and verify) carry needs_journaling; the Python tool flagged subtasks and phases too, and left needs_journaling: false behind",
    match: any(
      spec(/^\/hierarchy\/[^/]+\/metadata\/needs_journaling$/),
      field(/^\/diff\/task_metadata\/needs_journaling$/, ["complete-task"]),
    ),
  },
  {
    id: "rollup-completion",
    why: "a container completed by the roll-up gets completed_at and is journaled in the same transaction (journaled_at, a Completed entry); the Python tool did so only for flagged ones, in separate saves",
    match: any(
      spec(/^\/hierarchy\/[^/]+\/metadata\/(completed_at|journaled_at)$/),
      spec(/^\/journal\/(length|\d+\/.*)$/),
      field(/^\/diff\/(journal_entries_added\/.*|task_metadata\/(completed_at|journaled_at))$/, ["complete-task"]),
    ),
  },
  {
    id: "leaf-status",
    why: "a leaf set to in_progress stays in_progress and its containers follow; the Python tool reset leaf subtasks and verify nodes to pending",
    match: any(
      spec(/^\/hierarchy\/[^/]+\/status$/),
      field(/^\/diff\/status\/before$/, ["complete-task"]),
      field(/^\/old_status$/, ["update-status"]),
    ),
  },
  {
    id: "stale-metadata",
    why: "a transition removes what it makes stale: blocker fields on unblock (kept in resolved_blockers, without an empty ticket), started_at on reset to pending, status_note on a status change without --note",
    match: any(
      spec(
        /^\/hierarchy\/[^/]+\/metadata\/(blocked_at|blocker_type|blocker_description|blocker_ticket|blocked_by_external|resolved_blockers(\/.*)?|started_at|status_note)$/,
      ),
      // The same metadata as later commands print it (get-task, complete-task's diff).
      field(
        /^\/(\d+\/)?(metadata|diff\/task_metadata)\/(completed_at|journaled_at|needs_journaling|status_note|started_at|blocked_at|blocker_type|blocker_description|blocked_by_external|blocker_ticket)(\/before|\/after)?$/,
        ["get-task", "complete-task", "list-blockers", "task-info", "query-tasks"],
      ),
    ),
  },
  {
    id: "unblock-previously-blocked-by",
    why: "unblock-task's previously_blocked_by is the blocker's description; the Python tool echoed the resolution text",
    match: field(/^\/previously_blocked_by$/, ["unblock-task"]),
  },
  {
    id: "already-so",
    why: "activate-spec on an active spec reports old_folder active (the Python tool printed pending regardless)",
    match: field(/^\/old_folder$/, ["activate-spec"]),
  },
  {
    id: "backups",
    why: "move-spec reports backup_created: true: every write keeps a backup",
    match: field(/^\/backup_created$/, ["move-spec"]),
  },
  {
    id: "prepare-task-context",
    why: "prepare-task's context is sdd's (parent, phase, journal, prerequisites); the Python tool's documentation and git helpers (doc_context, sibling_files, notes, branch and commit suggestions) are not provided; spec_complete is computed even when a task is named",
    match: field(/^\/(context(\/.*)?|spec_complete)$/, ["prepare-task"]),
  },
  {
    id: "inherited-prerequisites",
    why: "check-deps' blocked_by also lists the blocked_by of the node's ancestors (each with via: the node that names it), which can_start honours, so a subtask of a blocked task cannot start",
    match: field(/^\/(\d+\/)?blocked_by(\/length|\/\d+\/.*)?$/, ["check-deps", "prepare-task"]),
  },
  {
    id: "actual-hours-kept",
    why: "complete-task records actual_hours from started_at only when none is recorded: a reopened task keeps its hours (set them with update-task-metadata --actual-hours)",
    match: any(field(/^\/diff\/task_metadata\/actual_hours$/, ["complete-task"]), spec(/^\/hierarchy\/[^/]+\/metadata\/actual_hours$/)),
  },
  {
    id: "planning-warnings",
    why: "the Python validator's planning checks (file-path-missing, verification-type-missing) are warnings by default, so prepare-task does not refuse such a spec; make them errors with rules in sdd.config.json",
    match: exit(1, 0, ["prepare-task"], (r) => r.case.case.includes("billing-topup-recovery")),
  },
];

/** The differences that cover `m`, if any. */
export function explain(m: Mismatch, r: CaseResult): Difference | undefined {
  return DIFFERENCES.find((d) => d.match(m, r));
}
