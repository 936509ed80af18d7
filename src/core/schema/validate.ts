/**
 * The schema pass: ajv validators compiled at build time (scripts/build.mjs), with ajv's
 * errors turned into one finding per defect.
 */
import type { ErrorObject } from "ajv";
import type { RawFinding } from "../findings.js";
import { escapePointerToken } from "../pointer.js";
import {
  validateConfig,
  validateJournalEntry,
  validateReport,
  validateSpec,
  validateWorkItem,
  type CompiledValidator,
} from "../../generated/validators.js";

export const SCHEMA_NAMES = ["spec", "journal-entry", "work-item", "config", "report"] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];

const VALIDATORS: Record<SchemaName, CompiledValidator> = {
  spec: validateSpec,
  "journal-entry": validateJournalEntry,
  "work-item": validateWorkItem,
  config: validateConfig,
  report: validateReport,
};

function describe(e: ErrorObject): string {
  const where = e.instancePath === "" ? "the document" : e.instancePath;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "enum":
      return `${where} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "required":
      return `${where} is missing required property ${JSON.stringify(p.missingProperty)}`;
    case "additionalProperties":
      return `${where} has unknown property ${JSON.stringify(p.additionalProperty)}`;
    case "anyOf":
    case "oneOf":
      return `${where} has the wrong type or shape`;
    default:
      return `${where} ${e.message ?? "is invalid"}`;
  }
}

/**
 * Collapse ajv's errors: an anyOf/oneOf failure stands for the errors of its branches,
 * which are dropped; a type error stands for the other errors at the same place; a required
 * property is reported at the missing property's pointer.
 */
export function schemaFindings(name: SchemaName, value: unknown, code = "schema"): RawFinding[] {
  const validate = VALIDATORS[name];
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  const umbrellas = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  // A value of the wrong type also fails every other keyword at its place (a number status
  // is not one of the enum values either): the type error alone describes the defect.
  const outer = errors.filter(
    (e) => !umbrellas.some((u) => u !== e && e.instancePath.startsWith(u.instancePath) && e.schemaPath.startsWith(u.schemaPath + "/")),
  );
  const mistyped = new Set(outer.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  const kept = outer.filter((e) => e.keyword === "type" || !mistyped.has(e.instancePath));
  return kept.map((e) => {
    const missing = e.keyword === "required" ? (e.params as { missingProperty: string }).missingProperty : undefined;
    return {
      code,
      severity: "error" as const,
      pointer: missing === undefined ? e.instancePath : `${e.instancePath}/${escapePointerToken(missing)}`,
      message: describe(e),
    };
  });
}

export function isValid(name: SchemaName, value: unknown): boolean {
  return VALIDATORS[name](value);
}
