/** The texts of docs/rules.md for counts and status, metadata, dependencies, the journal and the journaling gate. */
import type { RuleDoc } from "./index.js";

export const WORK_DOCS = {
  "rollup-mismatch": {
    meaning:
      "A reachable node's `total_tasks` or `completed_tasks` differs from the count computed by the [roll-up counting rule](#roll-up-counting-rule). The pointer is `total_tasks` when the total is wrong, else `completed_tasks`; the message gives both counts.",
    why: "`progress`, `list-specs` and the log show these numbers; wrong ones misreport progress and can make a spec look complete (or never complete).",
    bad: '`"phase-1": { "children": ["task-1-1", "task-1-2"], "total_tasks": 3, … }`.',
    fix: "`sdd fix SPEC` (it recomputes every node's counts), or set the counts to the computed values. A status change recomputes only the changed node and its ancestors, so a wrong count on another branch stays until it is fixed.",
  },
  "status-open-work": {
    meaning: "A node with children is `completed` while some task, subtask or verify node under it is not.",
    why: 'a completed phase or spec with open work is the "done but not done" state that the work-item log then reports as finished.',
    bad: '`"phase-1": { "status": "completed", "children": ["task-1-1"] }` with `task-1-1` pending.',
    fix: "finish the open work, or reopen the container (`sdd update-status`).",
  },
  "status-not-rolled-up": {
    meaning:
      "A node with children is `pending` or `in_progress` although all the work under it is completed (a `blocked` container is left alone).",
    why: "the container should have been completed by the roll-up; the spec looks unfinished.",
    bad: '`"phase-1": { "status": "in_progress", … }` with every task under it completed.',
    fix: "`sdd fix SPEC`, or change the status of a task below it (a write recomputes the statuses of the changed node's ancestors).",
  },
  "stale-metadata": {
    meaning:
      "Metadata that belongs to another status: `completed_at` on a leaf that is not completed, or blocker fields (`blocked_at`, `blocker_type`, `blocker_description`, `blocker_ticket`, `blocked_by_external`) on a node that is not blocked.",
    why: 'tools read these fields as facts ("completed at", "blocked because"); the Python tool left them behind on reopen and unblock.',
    bad: '`"task-1-2": { "status": "pending", "metadata": { "blocker_type": "technical" } }`.',
    fix: "remove the stale keys (`sdd unblock-task` and `sdd update-status` remove them).",
  },
  "task-category": {
    meaning:
      "A `task` node's `metadata.task_category` is not one of `investigation`, `implementation`, `refactoring`, `decision`, `research`.",
    why: "planners and reports group tasks by category; an unknown one is silently dropped.",
    bad: '`"metadata": { "task_category": "coding" }`.',
    fix: "use one of the five categories.",
  },
  "file-path-missing": {
    meaning:
      "A `task` node whose `metadata.task_category` is `implementation` or `refactoring` has no `metadata.file_path`. (The Python validator also counted a task without a category as `implementation`; `sdd` checks only a declared category.)",
    why: 'agents and `next-task` / `prepare-task` read the file a task changes from it; the Python validator reported this as an error, so old specs carry many. A warning by default; make it an error with `"rules": {"file-path-missing": "error"}` in `sdd.config.json`.',
    bad: '`"task-1-1": { "type": "task", "metadata": { "task_category": "implementation" } }`.',
    fix: "add `metadata.file_path` (`sdd update-task-metadata SPEC task-1-1 --file-path src/a.ts`), or set the category to `investigation`, `decision` or `research`.",
  },
  "verification-type-missing": {
    meaning: "A `verify` node has no `metadata.verification_type`.",
    why: "whether a check is `auto`, `manual` or `fidelity` decides who runs it; the Python validator required it. Configurable like every rule.",
    bad: '`"verify-1-1": { "type": "verify", "metadata": { "command": "npm test" } }`.',
    fix: "`sdd update-task-metadata SPEC verify-1-1 --verification-type auto`.",
  },
  "dependency-self": {
    meaning: "A node lists itself in `blocks`, `blocked_by` or `depends`.",
    why: "a node blocked by itself can never start.",
    bad: '`"task-1-1": { "dependencies": { "blocked_by": ["task-1-1"] } }`.',
    fix: "remove the entry.",
  },
  "dependency-missing": {
    meaning: "`blocks`, `blocked_by` or `depends` names a node that does not exist.",
    why: "`next-task` and `check-deps` treat an unknown prerequisite as never completed.",
    bad: '`"dependencies": { "blocked_by": ["task-7-7"] }` with no `task-7-7`.',
    fix: "correct the id or remove it.",
  },
  "dependency-asymmetric": {
    meaning: "`A.blocks` lists `B` but `B.blocked_by` does not list `A`, or the other way round (`depends` is one-way and not checked).",
    why: "the two lists must describe the same edge; tools read one side or the other.",
    bad: '`"task-1-1": { "dependencies": { "blocks": ["task-1-2"] } }` with `task-1-2` not listing `task-1-1` in `blocked_by`.',
    fix: "add the missing side (or remove both).",
  },
  "dependency-cycle": {
    meaning: "`blocked_by` links form a cycle. Each cycle is reported once, at its smallest node id, and the message shows it.",
    why: "no node in the cycle can ever start.",
    bad: '`"task-1-1": { "dependencies": { "blocked_by": ["task-1-2"] } }`, `"task-1-2": { "dependencies": { "blocked_by": ["task-1-1"] } }`.',
    fix: "remove one of the links.",
  },
  "journal-unknown-node": {
    meaning: "A journal entry's `task_id` names a node that is not in the hierarchy.",
    why: "the entry cannot count as the journal of any task; usually the node was renamed.",
    bad: '`"journal": [{ "task_id": "task-7-7", … }]`.',
    fix: "correct `task_id` (entries are otherwise never edited).",
  },
  "journal-entry-type": {
    meaning: "A journal entry's `entry_type` is not one of `status_change`, `deviation`, `blocker`, `decision`, `note`, `completion`.",
    why: "reports filter the journal by type; an unknown type is shown nowhere.",
    bad: '`"journal": [{ "entry_type": "gossip", … }]`.',
    fix: "use one of the known types.",
  },
  unjournaled: {
    meaning:
      "A completed node of a journaled type (`journaledTypes` in sdd.config.json; by default `task` and `verify`) has no journal entry with its `task_id` made at or after its `completed_at`, or is still flagged `needs_journaling`, and not all the work below it is journaled. Reported by `check-journaling`, `ci` and `complete-spec` (which refuses the spec unless `--force`), not by `validate`; the definition is in [status rules](status-rules.md#the-journaling-gate).",
    why: "the journal is the record of what was done and why; a task completed without an entry leaves the next reader (or agent) without it.",
    bad: '`"task-1-1": { "status": "completed", "metadata": { "completed_at": "2026-01-02T00:00:00Z" } }` with no journal entry for `task-1-1`.',
    fix: "add the entry (`sdd add-journal SPEC --task-id task-1-1 …`), or accept existing debt with `sdd check-journaling --update-baseline`.",
  },
} satisfies Readonly<Record<string, RuleDoc>>;
