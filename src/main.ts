/**
 * Process entry: wires the real streams to the CLI, sets the exit code, and handles
 * signals: SIGINT exits 130 and SIGTERM 143 (128 + the signal's number, as shells report).
 *
 * Long read-only runs (`validate`, `ci`) work synchronously, and a signal handler cannot run
 * while JavaScript is busy, so they run on a worker thread while this thread only relays
 * their output. A signal then stops the worker at once, and what is printed is one
 * complete report saying the run was interrupted, never a report cut in the middle.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { run, wantsJson } from "./cli.js";
import { hoistGlobalOptions, type CliIo } from "./commands/_shared.js";
import { removePendingTempFiles } from "./core/store/atomic.js";
import { ExitCode } from "./core/errors.js";
import { envelope } from "./ui/envelope.js";

const SIGNAL_EXIT = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated } as const;
type HandledSignal = keyof typeof SIGNAL_EXIT;

/** What a worker needs to run the CLI as this process would. */
interface WorkerJob {
  args: string[];
  cwd: string;
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
  stderrIsTTY: boolean;
  self: { node: string; script: string };
}

type WorkerMessage = { stream: "out" | "err"; text: string } | { exit: number };

const JOB_KEY = "sddCliJob";

/** Commands whose long runs are read-only, so stopping them anywhere loses nothing. */
function runsOnWorker(args: readonly string[]): boolean {
  const argv = hoistGlobalOptions([...args]);
  const command = argv[0];
  if (command !== "validate" && command !== "ci") return false;
  // --fix writes specs: a write must run to its atomic end, so it runs here.
  return !argv.some((a) => a === "--fix" || a === "-h" || a === "--help");
}

function processIo(job: WorkerJob, stdout: (s: string) => void, stderr: (s: string) => void): CliIo {
  return {
    cwd: job.cwd,
    env: process.env,
    stdout,
    stderr,
    stdoutIsTTY: job.stdoutIsTTY,
    stdinIsTTY: job.stdinIsTTY,
    stderrIsTTY: job.stderrIsTTY,
    self: job.self,
  };
}

/** Write, then exit once the text has been handed to the OS (a pipe may be slow). */
function writeAndExit(stream: NodeJS.WriteStream, text: string, code: number): void {
  if (text === "") process.exit(code);
  stream.write(text, () => process.exit(code));
}

async function runOnWorker(job: WorkerJob): Promise<void> {
  const json = wantsJson(job.args);
  const command = hoistGlobalOptions([...job.args])[0] ?? "sdd";
  const worker = new Worker(new URL(import.meta.url), { workerData: { [JOB_KEY]: job } });
  // With --json stdout is one document: it is held until the run ends, so an interrupted
  // run prints only the report saying so.
  let held = "";
  let finished = false;
  const onSignal = (signal: HandledSignal): void => {
    if (finished) return;
    finished = true;
    void worker.terminate();
    const code = SIGNAL_EXIT[signal];
    const message = `interrupted by ${signal}`;
    if (json) {
      const doc = envelope(command, code, { interrupted: true, error: { code: "interrupted", message } });
      writeAndExit(process.stdout, JSON.stringify(doc) + "\n", code);
    } else {
      writeAndExit(process.stderr, `\nerror: ${message}\n`, code);
    }
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  await new Promise<void>((resolvePromise) => {
    worker.on("message", (m: WorkerMessage) => {
      if (finished) return;
      if ("exit" in m) {
        finished = true;
        // Its result is in; the process need not wait for the thread to wind down.
        worker.unref();
        if (held !== "") process.stdout.write(held);
        process.exitCode = m.exit;
        resolvePromise();
      } else if (m.stream === "out") {
        if (json) held += m.text;
        else process.stdout.write(m.text);
      } else process.stderr.write(m.text);
    });
    worker.on("error", (err) => {
      if (finished) return;
      finished = true;
      process.stderr.write(`error: internal error: ${err.message}\n`);
      process.exitCode = 1;
      resolvePromise();
    });
    worker.on("exit", () => {
      if (!finished) {
        finished = true;
        process.stderr.write("error: internal error: the worker stopped without a result\n");
        process.exitCode = 1;
      }
      resolvePromise();
    });
  });
}

if (!isMainThread && typeof workerData === "object" && workerData !== null && JOB_KEY in workerData) {
  const job = (workerData as Record<string, WorkerJob>)[JOB_KEY] as WorkerJob;
  const post = (m: WorkerMessage): void => parentPort?.postMessage(m);
  const code = await run(
    job.args,
    processIo(
      job,
      (text) => post({ stream: "out", text }),
      (text) => post({ stream: "err", text }),
    ),
  );
  post({ exit: code });
} else if (isMainThread) {
  // A reader that went away (`sdd ... | head`) is not an error of ours.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
  const job: WorkerJob = {
    args: process.argv.slice(2),
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    self: { node: process.execPath, script: process.argv[1] ?? "" },
  };
  if (runsOnWorker(job.args)) {
    await runOnWorker(job);
  } else {
    // Interrupted: drop any half-written temp file; the spec itself is untouched until the
    // atomic rename, and held locks are released on exit (core/store/lock.ts).
    for (const signal of Object.keys(SIGNAL_EXIT) as HandledSignal[]) {
      process.on(signal, () => {
        removePendingTempFiles();
        process.exit(SIGNAL_EXIT[signal]);
      });
    }
    const code = await run(
      job.args,
      processIo(
        job,
        (s) => process.stdout.write(s),
        (s) => process.stderr.write(s),
      ),
    );
    process.exitCode = code;
  }
}
