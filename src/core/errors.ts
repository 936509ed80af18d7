/**
 * Typed errors. Core code throws these; only the entry module turns them into
 * output and an exit code, so every command maps errors the same way.
 */

export const ExitCode = {
  ok: 0,
  findings: 1,
  usage: 2,
  conflict: 3,
  unreadable: 4,
  interrupted: 130,
  /** SIGTERM: 128 + 15, as a shell reports a process the signal ended. */
  terminated: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
}

export interface SddErrorOptions extends SourceLocation {
  /** A command or step the user can take to fix the problem. */
  fix?: string;
  cause?: unknown;
}

export class SddError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly fix: string | undefined;

  constructor(code: string, exitCode: ExitCodeValue, message: string, options: SddErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.fix = options.fix;
  }
}

/** Bad arguments or flags (exit 2). */
export class UsageError extends SddError {
  constructor(message: string, options: SddErrorOptions & { code?: string } = {}) {
    super(options.code ?? "usage", ExitCode.usage, message, options);
  }
}

/** A spec, task, file or directory that does not exist (exit 2). */
export class NotFoundError extends SddError {
  constructor(code: string, message: string, options: SddErrorOptions = {}) {
    super(code, ExitCode.usage, message, options);
  }
}

/** Lock not acquired in time, or a compare-and-swap precondition failed (exit 3). */
export class ConflictError extends SddError {
  constructor(code: string, message: string, options: SddErrorOptions = {}) {
    super(code, ExitCode.conflict, message, options);
  }
}

/** A file that cannot be read or parsed (exit 4). */
export class DataError extends SddError {
  constructor(code: string, message: string, options: SddErrorOptions = {}) {
    super(code, ExitCode.unreadable, message, options);
  }
}

/** A refused operation whose result would be invalid or incomplete (exit 1). */
export class FindingsError extends SddError {
  constructor(code: string, message: string, options: SddErrorOptions = {}) {
    super(code, ExitCode.findings, message, options);
  }
}

/** The user interrupted (Ctrl-C at a prompt, SIGINT): exit 130. */
export class InterruptedError extends SddError {
  constructor(message = "interrupted") {
    super("interrupted", ExitCode.interrupted, message);
  }
}

/** A bug in sdd itself. */
export class InternalError extends SddError {
  constructor(message: string, options: SddErrorOptions = {}) {
    super("internal", ExitCode.findings, `internal error (a bug in sdd): ${message}`, options);
  }
}
