/** The versioned `--json` envelope (schemas/report.schema.json): one document per run. */
import type { SddError } from "../core/errors.js";
import type { Finding } from "../core/findings.js";

export const REPORT_SCHEMA_VERSION = 1;

export interface Envelope {
  schema_version: number;
  command: string;
  ok: boolean;
  exit_code: number;
  [key: string]: unknown;
}

export function envelope(command: string, exitCode: number, payload: Record<string, unknown>): Envelope {
  return { schema_version: REPORT_SCHEMA_VERSION, command, ok: exitCode === 0, exit_code: exitCode, ...payload };
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
