/** The texts of docs/rules.md for timestamps and the hierarchy's structure. */
import type { RuleDoc } from "./index.js";

export const TREE_DOCS = {
  "timestamp-format": {
    meaning:
      "`generated`, `last_updated`, a node's `started_at`, `completed_at`, `journaled_at` or `blocked_at`, or a journal entry's `timestamp` is not an ISO 8601 date or date-time (`YYYY-MM-DD`, optionally `THH:MM[:SS[.fff]]` and `Z` or an offset) naming a real date.",
    why: "timestamps are compared (journaling checks, ordering); a value that does not parse is treated as unknown.",
    bad: '`"completed_at": "01/02/2026"` or `"2026-13-01T00:00:00Z"`.',
    fix: "write UTC ISO 8601, for example `2026-01-02T15:04:05Z`.",
  },
  "timestamp-order": {
    meaning: "A node's `completed_at` is earlier than its `started_at`.",
    why: 'usually a clock problem or a hand edit; it breaks duration reports and "journaled after completion" checks.',
    bad: '`"metadata": { "started_at": "2026-01-03T00:00:00Z", "completed_at": "2026-01-02T00:00:00Z" }`.',
    fix: "correct whichever timestamp is wrong.",
  },
  "hierarchy-no-root": {
    meaning:
      "The hierarchy has no `spec-root` node. (An empty hierarchy and a `spec-root` that is not an object are `schema` findings instead.)",
    why: "every tree walk starts at `spec-root`; without it, no progress or completion can be computed.",
    bad: '`"hierarchy": { "phase-1": { "parent": "spec-root", … } }`.',
    fix: 'add the root node: `"spec-root": {"type": "spec", "parent": null, "children": ["phase-1"], …}`.',
  },
  "hierarchy-root": {
    meaning: "`spec-root` has a parent (it must be `null`), `spec-root` has a type other than `spec`, or another node has type `spec`.",
    why: "exactly one node is the root; a second one, or a root with a parent, makes the tree ambiguous.",
    bad: '`"spec-root": { "type": "phase", "parent": null, … }`.',
    fix: "give `spec-root` type `spec` and parent `null`; give other nodes another type.",
  },
  "hierarchy-missing-parent": {
    meaning:
      "A node other than `spec-root` has parent `null`, or names a parent that does not exist. (A parent `spec-root` when the root itself is missing is covered by `hierarchy-no-root`.)",
    why: "parent links are used to roll status and counts up; a dangling one stops the roll-up.",
    bad: '`"task-1-2": { "parent": "phase-9", … }` with no `phase-9`.',
    fix: "set `parent` to the node that lists it in `children`.",
  },
  "hierarchy-missing-child": {
    meaning: "A `children` list names a node that does not exist. The pointer is the list item.",
    why: "the child was deleted or renamed without updating its parent; counts and rendering skip it.",
    bad: '`"phase-1": { "children": ["task-1-1", "task-1-9"], … }` with no `task-1-9`.',
    fix: "remove the id from the list, or restore the node.",
  },
  "hierarchy-parent-mismatch": {
    meaning:
      "A node lists a child whose own `parent` names another existing node that does not list it. Reported once, on the list that disagrees with the child's parent link.",
    why: "the tree and the parent links must describe the same structure; otherwise roll-ups go to one parent while the tree shows the node under another.",
    bad: '`"phase-1": { "children": ["task-1-2"] }`, `"task-1-2": { "parent": "spec-root" }`.',
    fix: "make the child's `parent` and the listing agree.",
  },
  "hierarchy-multiple-parents": {
    meaning: "A node appears in the `children` of two nodes.",
    why: "it would be counted twice in the roll-ups and shown twice.",
    bad: '`"phase-1": { "children": ["task-1-2"] }`, `"phase-2": { "children": ["task-1-2"] }`.',
    fix: "remove it from the list of the node that is not its `parent`.",
  },
  "hierarchy-duplicate-child": {
    meaning: "A `children` list names the same node twice; the pointer is the second one.",
    why: "the node would be rendered twice and a naive roll-up would count it twice.",
    bad: '`"children": ["task-1-1", "task-1-2", "task-1-1"]`.',
    fix: "remove the repeat.",
  },
  "hierarchy-cycle": {
    meaning:
      "Following `children` from `spec-root` comes back to a node already on the path. The message shows the cycle; roll-up counts are not checked until it is fixed.",
    why: "the structure is no longer a tree: a walk through the cycle never ends, and the nodes on it have no well-defined counts.",
    bad: '`"task-1-1": { "children": ["task-1-3"] }`, `"task-1-3": { "children": ["task-1-1"] }`.',
    fix: "remove the back edge from the `children` list named in the message.",
  },
  "hierarchy-orphan": {
    meaning: "A node cannot be reached from `spec-root` through `children`.",
    why: "progress, completion and the rendered log ignore it: its work is invisible.",
    bad: 'a node `"task-1-9": { "parent": "phase-1", … }` that `phase-1` does not list.',
    fix: "add it to its parent's `children`, or delete it.",
  },
  "node-id-mismatch": {
    meaning: "A node has an `id` field that differs from its key in the hierarchy.",
    why: "tools that read `id` and tools that read the key would disagree about which node is meant.",
    bad: '`"task-1-1": { "id": "task-9-9", … }`.',
    fix: "make `id` equal to the key, or remove it.",
  },
} satisfies Readonly<Record<string, RuleDoc>>;
