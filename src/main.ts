/**
 * Process entry (the main thread): wires the real streams to the CLI, sets the exit code,
 * and handles signals: SIGINT exits 130 and SIGTERM 143 (128 + the signal's number, as
 * shells report).
 *
 * Long read-only runs (`validate`, `ci`) work synchronously, and a signal handler cannot run
 * while JavaScript is busy, so they run on a worker thread (src/worker.ts) while this thread
 * only relays their output. A signal then stops the worker at once, and what is printed is
 * one complete report saying the run was interrupted, never a report cut in the middle.
 *
 * Starting a worker costs more than a small run takes (a thread, and the program loaded a
 * second time), so `validate` of named spec files that are regular files of at most
 * SMALL_RUN_BYTES together runs on this thread, relayed the same way. A signal that comes
 * while it is busy is handled when it is done, at most the few milliseconds such a run
 * takes, and finds the result printed, as when a worker's result arrives first.
 */
import { existsSync, fstatSync, statSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { run, wantsJson } from "./cli.js";
import { hoistGlobalOptions } from "./commands/_shared.js";
import { removePendingTempFiles } from "./core/store/atomic.js";
import { ExitCode } from "./core/errors.js";
import { JOB_KEY, jobIo, type CliJob, type WorkerMessage } from "./job.js";
import { envelope } from "./ui/envelope.js";

const SIGNAL_EXIT = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated } as const;
type HandledSignal = keyof typeof SIGNAL_EXIT;

/** Spec files of at most this many bytes together validate in a few tens of milliseconds. */
const SMALL_RUN_BYTES = 1 << 20;

/** Options of `validate` (its own and the global ones) that take the next word as their value. */
const VALUE_OPTIONS = new Set(["--format", "--specs-dir", "--path", "--min-severity", "--lock-timeout"]);

/** Commands whose long runs are read-only, so stopping them anywhere loses nothing. */
function isReadOnlyRun(argv: readonly string[]): boolean {
  const command = argv[0];
  if (command !== "validate" && command !== "ci") return false;
  // --fix writes specs: a write must run to its atomic end, so it runs as other writes do.
  return !argv.some((a) => a === "--fix" || a === "-h" || a === "--help");
}

/**
 * `validate` of named targets that are all regular files, small together (found as the run
 * will find them: a path, else a spec id in the specs directory). Anything else, or anything
 * in doubt, is not small: the worker is right for every run, this thread only for short ones.
 */
async function isSmallValidate(argv: readonly string[], cwd: string): Promise<boolean> {
  if (argv[0] !== "validate") return false;
  const targets: string[] = [];
  const given: Record<string, string | undefined> = {};
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") return false;
    if (!a.startsWith("-")) {
      targets.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq === -1 ? a : a.slice(0, eq);
    if (VALUE_OPTIONS.has(name)) given[name] = eq === -1 ? argv[++i] : a.slice(eq + 1);
  }
  if (targets.length === 0) return false;
  const { findSpecsDir, resolveSpec } = await import("./core/store/discovery.js");
  let specsDir: string | undefined;
  let bytes = 0;
  try {
    for (const t of targets) {
      let file = resolve(cwd, t);
      if (!existsSync(file)) {
        specsDir ??= findSpecsDir({ cwd, specsDir: given["--specs-dir"], path: given["--path"], env: process.env }).specsDir;
        file = resolveSpec(t, specsDir, cwd).file;
      }
      const stat = statSync(file);
      bytes += stat.size;
      if (!stat.isFile() || bytes > SMALL_RUN_BYTES) return false;
    }
  } catch {
    return false;
  }
  return true;
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
/** The descriptors whose reader went away. */
const gone: boolean[] = [];
/** Why stdout or stderr could not be written, other than a reader that went away. */
let lost: NodeJS.ErrnoException | undefined;

/**
 * Output goes to the file descriptor, written through before the call returns: the streams
 * process.stdout and process.stderr would load Node's stream and net modules, a few
 * milliseconds of every start, for output that is written at once anyway.
 */
function writeFd(fd: 1 | 2, text: string): void {
  if (gone[fd] === true) return;
  const bytes = Buffer.from(text, "utf8");
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done);
    } catch (caught) {
      const code = (caught as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        // A pipe made non-blocking by another process is full: give the reader a moment.
        Atomics.wait(PAUSE, 0, 0, 1);
        continue;
      }
      // A reader that went away (`sdd ... | head`) is not an error of ours: the rest of the
      // output is dropped and the run ends with its own exit code.
      if (code === "EPIPE") {
        gone[fd] = true;
        return;
      }
      // Anything else (a full disk, an I/O error): the output is lost, which the run's end
      // reports (reportOutputLost) instead of a stack trace in the middle of the run.
      gone[fd] = true;
      lost ??= caught as NodeJS.ErrnoException;
      return;
    }
  }
}

/** A run whose output could not be written failed: exit 4 (an I/O error), saying why where stderr still works. */
function reportOutputLost(): void {
  if (lost === undefined) return;
  err(`error: cannot write the output (${lost.code ?? "error"}: ${lost.message.replace(/^[A-Z0-9]+: /, "")})\n`);
  process.exitCode = ExitCode.unreadable;
}

const out = (text: string): void => writeFd(1, text);
const err = (text: string): void => writeFd(2, text);

/**
 * Whether fd is a terminal. node:tty loads the net modules, a few milliseconds: it is asked
 * only about a character device (a terminal is one; a pipe or a file, the usual output of a
 * run in CI or under an agent, is not), except on Windows, where a console is not a file.
 */
function isTerminal(fd: number): boolean {
  if (process.platform !== "win32") {
    try {
      if (!fstatSync(fd).isCharacterDevice()) return false;
    } catch {
      return false;
    }
  }
  return process.getBuiltinModule("node:tty").isatty(fd);
}

/** This run's job; whether each of fd 0-2 is a terminal is asked on first use. */
function thisRun(): CliJob {
  const known: (boolean | undefined)[] = [];
  const isTTY = (fd: number): boolean => (known[fd] ??= isTerminal(fd));
  return {
    args: process.argv.slice(2),
    cwd: process.cwd(),
    get stdinIsTTY() {
      return isTTY(0);
    },
    get stdoutIsTTY() {
      return isTTY(1);
    },
    get stderrIsTTY() {
      return isTTY(2);
    },
    self: { node: process.execPath, script: process.argv[1] ?? "" },
  };
}

/**
 * The output of a read-only run on its way to the streams. With --json stdout is one
 * document: it is held until the run ends, so an interrupted run prints only the report
 * saying so. Whichever comes first, the run's end or a signal, decides what is printed.
 */
class Relay {
  private held = "";
  private finished = false;

  constructor(
    private readonly json: boolean,
    private readonly command: string,
    private readonly stop: () => void = () => undefined,
  ) {
    process.on("SIGINT", () => this.interrupt("SIGINT"));
    process.on("SIGTERM", () => this.interrupt("SIGTERM"));
  }

  get done(): boolean {
    return this.finished;
  }

  out(text: string): void {
    if (this.finished) return;
    if (this.json) this.held += text;
    else out(text);
  }

  err(text: string): void {
    if (!this.finished) err(text);
  }

  /** The run's result is in: print what was held and set the exit code. */
  finish(code: number): void {
    if (this.finished) return;
    this.finished = true;
    if (this.held !== "") out(this.held);
    process.exitCode = code;
  }

  /** The run died without a result (a worker out of memory): still one document with --json. */
  fail(message: string): void {
    if (this.finished) return;
    this.finished = true;
    const code = ExitCode.findings;
    if (this.json) {
      const doc = envelope(this.command, code, { error: { code: "internal", message: `internal error: ${message}` } });
      out(JSON.stringify(doc) + "\n");
    } else {
      err(`error: internal error: ${message}\n`);
    }
    process.exitCode = code;
  }

  private interrupt(signal: HandledSignal): void {
    if (this.finished) return;
    this.finished = true;
    this.stop();
    const code = SIGNAL_EXIT[signal];
    const message = `interrupted by ${signal}`;
    if (this.json) {
      const doc = envelope(this.command, code, { interrupted: true, error: { code: "interrupted", message } });
      out(JSON.stringify(doc) + "\n");
    } else {
      err(`\nerror: ${message}\n`);
    }
    process.exit(code);
  }
}

async function runOnWorker(job: CliJob, argv: readonly string[]): Promise<void> {
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: { [JOB_KEY]: job } });
  const relay = new Relay(wantsJson(job.args), argv[0] ?? "sdd", () => void worker.terminate());
  await new Promise<void>((resolvePromise) => {
    worker.on("message", (m: WorkerMessage) => {
      if ("exit" in m) {
        relay.finish(m.exit);
        // Its result is in; the process need not wait for the thread to wind down.
        worker.unref();
        resolvePromise();
      } else if (m.stream === "out") relay.out(m.text);
      else relay.err(m.text);
    });
    worker.on("error", (err) => {
      relay.fail(err.message);
      resolvePromise();
    });
    worker.on("exit", () => {
      if (!relay.done) relay.fail("the worker stopped without a result");
      resolvePromise();
    });
  });
}

async function runHere(job: CliJob, argv: readonly string[]): Promise<void> {
  const relay = new Relay(wantsJson(job.args), argv[0] ?? "sdd");
  const code = await run(
    job.args,
    jobIo(
      job,
      (s) => relay.out(s),
      (s) => relay.err(s),
    ),
  );
  relay.finish(code);
}

async function main(): Promise<void> {
  const job = thisRun();
  const argv = hoistGlobalOptions([...job.args]);
  if (isReadOnlyRun(argv)) {
    if (process.env.SDD_BENCH_WORKER !== "1" && (await isSmallValidate(argv, job.cwd))) await runHere(job, argv);
    else await runOnWorker(job, argv);
    reportOutputLost();
    return;
  }
  // Interrupted: drop any half-written temp file; the spec itself is untouched until the
  // atomic rename, and held locks are released on exit (core/store/lock.ts). With --json
  // the run's document, if it has not printed it yet, is the report saying so.
  let printed = false;
  for (const signal of Object.keys(SIGNAL_EXIT) as HandledSignal[]) {
    process.on(signal, () => {
      removePendingTempFiles();
      const code = SIGNAL_EXIT[signal];
      const message = `interrupted by ${signal}`;
      if (!wantsJson(job.args)) err(`\nerror: ${message}\n`);
      else if (!printed) {
        const doc = envelope(argv[0] ?? "sdd", code, { interrupted: true, error: { code: "interrupted", message } });
        out(JSON.stringify(doc) + "\n");
      }
      process.exit(code);
    });
  }
  const stdout = (text: string): void => {
    printed = true;
    out(text);
  };
  process.exitCode = await run(job.args, jobIo(job, stdout, err));
  reportOutputLost();
}

// run() never throws; this is for a fault in the code above.
main().catch((caught: unknown) => {
  err(`error: internal error: ${caught instanceof Error ? caught.message : String(caught)}\n`);
  process.exitCode = 1;
});
