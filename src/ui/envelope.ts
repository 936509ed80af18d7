/** The versioned `--json` envelope (schemas/report.schema.json): one document per run. */
import type { SddError } from "../core/errors.js";
import type { Finding } from "../core/findings.js";

/**
 * Bumped whenever a field changes type or meaning, or is removed (schemas/report.schema.json
 * says what changed). 2: `success`, and every command also carries the fields the Python
 * tool printed, under their old names (docs/migration.md).
 */
export const REPORT_SCHEMA_VERSION = 2;

export interface Envelope {
  schema_version: number;
  command: string;
  ok: boolean;
  /** Same as `ok`: the name the Python tool used, so `jq -e .success` keeps working. */
  success: boolean;
  exit_code: number;
  [key: string]: unknown;
}

export function envelope(command: string, exitCode: number, payload: Record<string, unknown>): Envelope {
  const ok = exitCode === 0;
  const head = { schema_version: REPORT_SCHEMA_VERSION, command, ok, success: ok, exit_code: exitCode };
  // The common keys first, and never overridden by a payload key of the same name.
  return { ...head, ...payload, ...head };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * `payload` with the Python tool's fields laid over it: objects are merged key by key and
 * arrays of the same length item by item, so sdd's own fields stay next to the old ones;
 * where both name the same field, the old meaning wins (a script written for the Python
 * tool reads it).
 */
export function overlay(payload: unknown, legacy: unknown): unknown {
  if (isPlainObject(payload) && isPlainObject(legacy)) {
    const out: Record<string, unknown> = { ...payload };
    for (const [k, v] of Object.entries(legacy)) out[k] = k in payload ? overlay(payload[k], v) : v;
    return out;
  }
  if (Array.isArray(payload) && Array.isArray(legacy) && payload.length === legacy.length) {
    return legacy.map((v, i) => overlay(payload[i], v));
  }
  return legacy;
}

export function errorPayload(err: SddError): Record<string, unknown> {
  const e: Record<string, unknown> = { code: err.code, message: err.message };
  if (err.file !== undefined) e.file = err.file;
  if (err.line !== undefined) e.line = err.line;
  if (err.column !== undefined) e.column = err.column;
  if (err.fix !== undefined) e.fix = err.fix;
  return { error: e };
}

export function countFindings(findings: readonly Finding[]): { errors: number; warnings: number; infos: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const f of findings) {
    if (f.severity === "error") errors++;
    else if (f.severity === "warning") warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}
