/**
 * Every finding code a spec check reports, in one table: what reports it, its default
 * severity, and a one-line summary. The checks take their severity from here, the `rules`
 * map of sdd.config.json is checked against these codes (a typo would otherwise configure
 * nothing), and docs/rules.md is generated from this table and the longer texts in
 * ./docs/ (`npm run docs`). The type of the table makes a code that is not in it a type
 * error wherever a rule reports one.
 */
import type { Severity } from "../../findings.js";

/** The documentation sections, in their order: each code belongs to one. */
export const RULE_FAMILIES = {
  reading: "Reading",
  schema: "Schema",
  identity: "Identity",
  timestamps: "Timestamps",
  hierarchy: "Hierarchy",
  counts: "Counts and status",
  dependencies: "Dependencies",
  journal: "Journal",
  journaling: "The journaling gate",
} as const;
export type RuleFamily = keyof typeof RULE_FAMILIES;

/**
 * What reports a code: reading the file (core/json, store/spec-file), the schema pass, the
 * semantic rules (this folder, pure), the run over all files, the check on disk of links,
 * or the journaling gate (spec/journaling.ts).
 */
export type RuleLayer = "reading" | "schema" | "rules" | "all files" | "disk" | "journaling";

export interface SpecRule {
  readonly code: string;
  readonly family: RuleFamily;
  readonly severity: Exclude<Severity, "info">;
  readonly layer: RuleLayer;
  readonly summary: string;
  /** The file could not be read at all: its run exits 4 whatever the severity is configured to. */
  readonly unreadable?: true;
}

export const SPEC_RULES = [
  {
    code: "json-encoding",
    family: "reading",
    severity: "error",
    layer: "reading",
    unreadable: true,
    summary: "the bytes are not UTF-8 text",
  },
  { code: "json-bom", family: "reading", severity: "warning", layer: "reading", summary: "the file starts with a UTF-8 byte order mark" },
  { code: "json-empty", family: "reading", severity: "error", layer: "reading", unreadable: true, summary: "the file is empty" },
  { code: "json-syntax", family: "reading", severity: "error", layer: "reading", unreadable: true, summary: "the text is not valid JSON" },
  {
    code: "json-too-deep",
    family: "reading",
    severity: "error",
    layer: "reading",
    unreadable: true,
    summary: "arrays or objects nested more than 1000 levels deep",
  },
  { code: "json-duplicate-key", family: "reading", severity: "error", layer: "reading", summary: "an object has the same key twice" },
  {
    code: "file-not-found",
    family: "reading",
    severity: "error",
    layer: "reading",
    summary: "a `*.json` entry in a spec folder is not a file",
  },
  {
    code: "file-unreadable",
    family: "reading",
    severity: "error",
    layer: "reading",
    unreadable: true,
    summary: "the file exists but cannot be read",
  },
  { code: "schema", family: "schema", severity: "error", layer: "schema", summary: "the spec does not match `schemas/spec.schema.json`" },
  {
    code: "reserved-key",
    family: "identity",
    severity: "error",
    layer: "rules",
    summary: "a key or node id names a JavaScript object property",
  },
  { code: "spec-id-unsafe", family: "identity", severity: "error", layer: "rules", summary: "`spec_id` cannot name a file" },
  {
    code: "spec-id-format",
    family: "identity",
    severity: "warning",
    layer: "rules",
    summary: "`spec_id` does not follow `<feature>-<YYYY-MM-DD>-<nnn>`",
  },
  { code: "spec-id-mismatch", family: "identity", severity: "error", layer: "rules", summary: "`spec_id` differs from the file name" },
  {
    code: "folder-status-mismatch",
    family: "identity",
    severity: "warning",
    layer: "rules",
    summary: "`metadata.status` does not belong in the spec's folder",
  },
  { code: "completed-open-work", family: "identity", severity: "error", layer: "rules", summary: "a spec in `completed/` has open work" },
  { code: "duplicate-spec-id", family: "identity", severity: "error", layer: "all files", summary: "two files have the same spec id" },
  {
    code: "work-item-missing",
    family: "identity",
    severity: "error",
    layer: "disk",
    summary: "`metadata.work_item_spec` names a file that does not exist",
  },
  {
    code: "timestamp-format",
    family: "timestamps",
    severity: "warning",
    layer: "rules",
    summary: "a timestamp is not an ISO 8601 date-time",
  },
  {
    code: "timestamp-order",
    family: "timestamps",
    severity: "warning",
    layer: "rules",
    summary: "a node was completed before it was started",
  },
  { code: "hierarchy-no-root", family: "hierarchy", severity: "error", layer: "rules", summary: "the hierarchy has no `spec-root`" },
  {
    code: "hierarchy-root",
    family: "hierarchy",
    severity: "error",
    layer: "rules",
    summary: "`spec-root` has a parent or another type, or another node has type `spec`",
  },
  {
    code: "hierarchy-missing-parent",
    family: "hierarchy",
    severity: "error",
    layer: "rules",
    summary: "a node's parent is `null` or does not exist",
  },
  {
    code: "hierarchy-missing-child",
    family: "hierarchy",
    severity: "error",
    layer: "rules",
    summary: "a `children` list names a node that does not exist",
  },
  {
    code: "hierarchy-parent-mismatch",
    family: "hierarchy",
    severity: "error",
    layer: "rules",
    summary: "a node lists a child whose `parent` is another node",
  },
  {
    code: "hierarchy-multiple-parents",
    family: "hierarchy",
    severity: "error",
    layer: "rules",
    summary: "a node is listed as a child by two nodes",
  },
  {
    code: "hierarchy-duplicate-child",
    family: "hierarchy",
    severity: "error",
    layer: "rules",
    summary: "a `children` list names the same node twice",
  },
  { code: "hierarchy-cycle", family: "hierarchy", severity: "error", layer: "rules", summary: "`children` links form a cycle" },
  {
    code: "hierarchy-orphan",
    family: "hierarchy",
    severity: "error",
    layer: "rules",
    summary: "a node cannot be reached from `spec-root`",
  },
  { code: "node-id-mismatch", family: "hierarchy", severity: "error", layer: "rules", summary: "a node's `id` differs from its key" },
  {
    code: "rollup-mismatch",
    family: "counts",
    severity: "error",
    layer: "rules",
    summary: "a node's `total_tasks` or `completed_tasks` is wrong",
  },
  { code: "status-open-work", family: "counts", severity: "error", layer: "rules", summary: "a completed node has open work below it" },
  {
    code: "status-not-rolled-up",
    family: "counts",
    severity: "warning",
    layer: "rules",
    summary: "a node is not completed although all the work below it is",
  },
  {
    code: "stale-metadata",
    family: "counts",
    severity: "warning",
    layer: "rules",
    summary: "a node keeps completion or blocker fields of another status",
  },
  { code: "task-category", family: "counts", severity: "error", layer: "rules", summary: "a task's `task_category` is not a known one" },
  {
    code: "file-path-missing",
    family: "counts",
    severity: "warning",
    layer: "rules",
    summary: "an implementation or refactoring task has no `file_path`",
  },
  {
    code: "verification-type-missing",
    family: "counts",
    severity: "warning",
    layer: "rules",
    summary: "a verify node has no `verification_type`",
  },
  { code: "dependency-self", family: "dependencies", severity: "error", layer: "rules", summary: "a node depends on itself" },
  {
    code: "dependency-missing",
    family: "dependencies",
    severity: "error",
    layer: "rules",
    summary: "a dependency names a node that does not exist",
  },
  {
    code: "dependency-asymmetric",
    family: "dependencies",
    severity: "error",
    layer: "rules",
    summary: "`blocks` and `blocked_by` disagree about an edge",
  },
  { code: "dependency-cycle", family: "dependencies", severity: "error", layer: "rules", summary: "`blocked_by` links form a cycle" },
  {
    code: "journal-unknown-node",
    family: "journal",
    severity: "warning",
    layer: "rules",
    summary: "a journal entry names a node that does not exist",
  },
  {
    code: "journal-entry-type",
    family: "journal",
    severity: "warning",
    layer: "rules",
    summary: "a journal entry's `entry_type` is not a known one",
  },
  { code: "unjournaled", family: "journaling", severity: "error", layer: "journaling", summary: "a completed node has no journal entry" },
] as const satisfies readonly SpecRule[];

/** Every code a spec check reports. */
export type SpecFindingCode = (typeof SPEC_RULES)[number]["code"];

/** The codes the semantic rules (checkSpec) report: the only ones they may report. */
export type RuleCode = Extract<(typeof SPEC_RULES)[number], { layer: "rules" }>["code"];

/** Every code, for the config loader's check of the `rules` map. */
export const SPEC_FINDING_CODES: readonly SpecFindingCode[] = SPEC_RULES.map((r) => r.code);

/** Each code's default severity (the config may change it later, finding by finding). */
export const SEVERITY_OF: Readonly<Record<SpecFindingCode, SpecRule["severity"]>> = Object.fromEntries(
  SPEC_RULES.map((r) => [r.code, r.severity]),
) as Record<SpecFindingCode, SpecRule["severity"]>;
