/** A problem found in a file: what every checking command reports (docs/rules.md). */
import { ExitCode, type ExitCodeValue } from "./errors.js";

export type Severity = "error" | "warning" | "info";

export interface RawFinding {
  code: string;
  severity: Severity;
  message: string;
  /** JSON pointer inside the file ("" for the whole document). */
  pointer: string;
}

export interface Finding extends RawFinding {
  file: string;
  line?: number;
  column?: number;
  spec_id?: string;
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  const la = a.line ?? 0;
  const lb = b.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.column ?? 0;
  const cb = b.column ?? 0;
  if (ca !== cb) return ca - cb;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** Drop exact repeats: a finding is reported once, whatever found it. */
export function dedupeFindings<T extends RawFinding>(findings: T[]): T[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}\u0000${f.pointer}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A finding for a file that could not be read: the error's message without its own location prefix. */
export function unreadableFinding(
  err: { code: string; message: string; line?: number | undefined; column?: number | undefined },
  file: string,
): Finding {
  const f: Finding = { code: err.code, severity: "error", message: stripLocation(err.message, file), file, pointer: "" };
  if (err.line !== undefined) f.line = err.line;
  if (err.column !== undefined) f.column = err.column;
  return f;
}

/** Messages of read errors start with `file:line:col: `; findings carry the location apart. */
export function stripLocation(message: string, file: string): string {
  return message.startsWith(file) ? message.slice(file.length).replace(/^(?::\d+:\d+)?:\s*/, "") : message;
}

/** What a run found, as far as its exit code is concerned. */
export interface ExitTally {
  /** Files named on the command line that do not exist: a usage error. */
  missing?: number;
  /** Files that could not be read or parsed. */
  unreadable?: number;
  /** Findings reported: an error fails the run, a warning only with `strict`. */
  findings?: readonly RawFinding[];
  /** Counts of error and warning findings, where the run keeps counts rather than the findings. */
  errors?: number;
  warnings?: number;
  strict?: boolean;
  /** A precondition failed or another agent holds what was asked for. */
  conflict?: boolean;
  /** The command's question came out "no": no task to start, a stale log, open work, a conflict left. */
  unmet?: boolean;
}

/**
 * The one mapping from what a run found to its exit code, most serious first: a missing
 * file (2) outranks an unreadable one (4), then a conflict (3), then findings or an unmet
 * check (1).
 */
export function exitCodeFor(t: ExitTally): ExitCodeValue {
  if ((t.missing ?? 0) > 0) return ExitCode.usage;
  if ((t.unreadable ?? 0) > 0) return ExitCode.unreadable;
  if (t.conflict === true) return ExitCode.conflict;
  if (t.unmet === true) return ExitCode.findings;
  const strict = t.strict === true;
  if ((t.errors ?? 0) > 0 || (strict && (t.warnings ?? 0) > 0)) return ExitCode.findings;
  if (t.findings?.some((f) => f.severity === "error" || (strict && f.severity === "warning")) === true) return ExitCode.findings;
  return ExitCode.ok;
}
