/**
 * Every finding code a `rules` entry in sdd.config.json may name, so one naming anything
 * else is caught (a typo would silently configure nothing). The spec codes are the
 * registry's (./rules/registry.ts); the log's are LOG_RULES in src/core/worklog/lint.ts
 * and the rendered log's staleness, which a test keeps equal to this list.
 */
export { SPEC_FINDING_CODES } from "./rules/registry.js";

/** The work-item log's codes: LOG_RULES in src/core/worklog/lint.ts, and the rendered log's staleness. */
export const LOG_FINDING_CODES: readonly string[] = [
  "log-schema",
  "log-id-mismatch",
  "log-duplicate-id",
  "log-missing-field",
  "log-date-format",
  "log-checkbox-fields",
  "log-spec-missing",
  "log-sdd-spec-missing",
  "log-spec-incomplete",
  "log-placeholder",
  "log-spec-ambiguous",
  "log-spec-no-work",
  "log-doc-status",
  "log-checkbox-section",
  "log-spec-complete-open",
  "log-sdd-spec-moved",
  "log-link-format",
  "log-derived-field",
  "log-duplicate",
  "log-malformed-head",
  "log-free-form",
  "log-no-tags",
  "log-legacy-format",
  "log-nested-field",
  "log-key-format",
  "log-layout",
  "log-no-entries",
  "log-stale",
];
