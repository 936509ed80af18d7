/**
 * The work-item log's rules (codes, severities, summaries) and what the checks of one item
 * share: the options the store hands in as callbacks, and the context one item is checked in.
 */
import type { Severity } from "../findings.js";
import type { WorkItem } from "./model.js";

/** Every rule: its code, severity and a one-line summary (docs/worklog.md has examples). */
export const LOG_RULES = {
  "log-schema": { severity: "error", summary: "the JSON work item does not match schemas/work-item.schema.json" },
  "log-id-mismatch": { severity: "error", summary: "the work item's id differs from its file name" },
  "log-duplicate-id": { severity: "error", summary: "two work items share an id" },
  "log-missing-field": {
    severity: "error",
    summary: "a required field (Spec, Owner, Summary; Started when open, Done when done) is missing or empty",
  },
  "log-date-format": { severity: "error", summary: "Started/Done is not an absolute YYYY-MM-DD date" },
  "log-checkbox-fields": { severity: "error", summary: "the checkbox disagrees with the dates ([x] without Done, [ ] with Done)" },
  "log-spec-missing": { severity: "error", summary: "the Spec link does not point to an existing file" },
  "log-sdd-spec-missing": { severity: "error", summary: "the SDD Spec link does not resolve to a spec" },
  "log-spec-incomplete": {
    severity: "error",
    summary:
      "a done item's SDD spec (its SDD Spec, its work-item document's SDD spec line, or a spec naming that document) is not complete",
  },
  "log-placeholder": { severity: "error", summary: "an entry copied from a template still has placeholders (<TAG>, <YYYY-MM-DD>)" },
  "log-spec-ambiguous": {
    severity: "warning",
    summary: "the entry's work-item document is linked to more than one SDD spec; which one backs the entry is not guessed",
  },
  "log-spec-no-work": { severity: "warning", summary: "a done item's linked SDD spec holds no work (no task, subtask or verify step)" },
  "log-doc-status": { severity: "warning", summary: "the work-item document's Status disagrees with the entry's checkbox" },
  "log-checkbox-section": {
    severity: "warning",
    summary: "the checkbox disagrees with the section ([x] under In progress, [ ] under Done)",
  },
  "log-spec-complete-open": { severity: "warning", summary: "an open item's SDD spec is complete and in completed/" },
  "log-sdd-spec-moved": { severity: "warning", summary: "the SDD Spec path names a folder the spec is no longer in" },
  "log-link-format": { severity: "warning", summary: "a Spec/SDD Spec value is not one backticked path" },
  "log-derived-field": { severity: "warning", summary: "a Progress field is typed although the linked SDD spec provides it" },
  "log-duplicate": { severity: "warning", summary: "two entries have the same title and Spec" },
  "log-malformed-head": { severity: "warning", summary: "a checkbox line with entry fields whose head is not `- [ ] **[TAG]** Title`" },
  "log-free-form": { severity: "warning", summary: "free-form text references a work item but is not an entry, so it is not imported" },
  "log-no-tags": { severity: "warning", summary: "a work item without tags renders a head line that does not re-import" },
  "log-legacy-format": {
    severity: "info",
    summary: "an entry in the older format (bold keys, free bullets): kept verbatim, not checked further",
  },
  "log-nested-field": { severity: "info", summary: "a field has nested sub-bullets; details belong in the work-item spec" },
  "log-key-format": { severity: "info", summary: "a field key is not plain Title Case words (e.g. has a date in it)" },
  "log-layout": { severity: "info", summary: "an entry is not in the canonical layout; import and render would normalise it" },
  "log-no-entries": { severity: "info", summary: "the file has no work-item entries" },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type LogRuleCode = keyof typeof LOG_RULES;

/** A spec found by resolveSpec: its lifecycle folder and whether every task is complete. */
export interface ResolvedSpec {
  folder: string;
  complete: boolean;
  /** The spec id, when known (links that name one spec two ways are one link). */
  id?: string;
  /** Completed and total units of work below the linked node, when known. */
  completed?: number;
  total?: number;
}

/** What a work-item document (the `Spec` link target) says about itself. */
export interface WorkItemDoc {
  /** The target of its own SDD spec line (`- SDD Spec …: \`…\``), when it has one. */
  sddSpec?: string;
  /** Its `Status:` value, when it has one. */
  status?: string;
}

export interface LintOptions {
  /** File name put in findings. */
  file?: string;
  /** Whether a repo-relative path (a Spec link target, as written) exists. Without it Spec links are not checked. */
  exists?: (path: string) => boolean;
  /** Look up an SDD Spec link target (a path or a spec id). Without it SDD Spec links are not checked. */
  resolveSpec?: (idOrPath: string) => ResolvedSpec | undefined;
  /** Read a `Spec` link target (a work-item document) for its own SDD spec line and Status. */
  workItemDoc?: (path: string) => WorkItemDoc | undefined;
  /** The ids of the specs whose `metadata.work_item_spec` names this `Spec` link target. */
  specsClaiming?: (path: string) => string[];
  /** Fields a team requires per state (`requiredFields` in sdd.config.json), on top of the built-in ones; legacy entries too. */
  requiredFields?: { open?: readonly string[]; done?: readonly string[] };
  /** Values that do not count as filling a required field (`fieldPlaceholders`); default DEFAULT_FIELD_PLACEHOLDERS. */
  fieldPlaceholders?: readonly string[];
}

/** Values that say "not filled in yet": a required field holding one of them is missing (compared case-insensitively, without a final period). */
export const DEFAULT_FIELD_PLACEHOLDERS: readonly string[] = [
  "TBD",
  "TBA",
  "TODO",
  "Pending",
  "Pending implementation",
  "Not yet",
  "-",
  "?",
  "...",
];

export interface LintItemOptions extends LintOptions {
  /** The JSON file name without `.json`; when given, the id must equal it. */
  fileStem?: string;
}

/** What a finding points at inside an item: the head, a property, or a field (its value). */
export interface Target {
  prop?: "state" | "tags" | "title" | "section" | "fields";
  field?: number;
  value?: boolean;
}

export interface ItemContext {
  item: WorkItem;
  legacy: boolean;
  /** Section titles the item sits under, innermost first. */
  sections: string[];
  report: (code: LogRuleCode, target: Target, message: string) => void;
  options: LintOptions;
}

export const SPEC_FOLDERS = ["pending", "active", "completed", "archived"];
export const NOT_APPLICABLE = /^(?:n\/a|none|tbd|-)(?:\W|$)/i;

export function indexOfKey(item: WorkItem, key: string): number {
  return item.fields.findIndex((f) => f.key === key);
}
