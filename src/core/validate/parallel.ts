/**
 * Validating many files on several threads. Each file is validated on its own (its findings
 * depend on nothing else), so with more than PARALLEL_MIN_FILES files and more than one CPU
 * the files are shared between worker threads (one per CPU, at most MAX_THREADS; this thread
 * too when asked), and the outcomes are put back in the files' order: the result is the one
 * a single thread gives.
 *
 * It stays synchronous, like the rest of validate: the threads claim the next file from a
 * shared counter, workers send each outcome on a message port, and this thread, once no
 * file is left to claim, sleeps (Atomics.wait) until the outcomes it lacks have arrived.
 * A file whose validation threw on a worker is validated again here, so the error thrown is
 * exactly the one a single thread throws.
 *
 * A worker runs this same module (import.meta.url), so it works from the built .js files;
 * run from TypeScript sources (tests, tsx) validation stays on one thread.
 */
import { availableParallelism } from "node:os";
import { isMainThread, MessageChannel, receiveMessageOnPort, Worker, workerData, type MessagePort } from "node:worker_threads";
import { validateFile, type FileOutcome, type Target } from "./file.js";

/** Fewer files are validated on this thread alone: starting a worker costs about as much as 50 files. */
export const PARALLEL_MIN_FILES = 200;
/** At most this many threads validate, and one more per this many files. */
const MAX_THREADS = 4;
const FILES_PER_WORKER = 100;
/**
 * A worker's young generation, in MB. The files are validated one at a time, each one's
 * values garbage once it is done, so a small nursery is collected often and cheaply and the
 * heap stays small: peak memory then grows little with the number of files.
 */
const WORKER_YOUNG_MB = 2;
/** How long no outcome may arrive before this thread validates what the workers still hold. */
const STALL_SECONDS = 30;

interface Job {
  targets: Target[];
  cwd: string;
  /** [0]: the next file to claim; [1]: how many outcomes the workers have sent. */
  shared: Int32Array;
  port: MessagePort;
}

type Message = { index: number; outcome: FileOutcome } | { index: number; failed: true };

const JOB_KEY = "sddValidateJob";

function workerCount(files: number, shareHere: boolean): number {
  if (files <= PARALLEL_MIN_FILES || !import.meta.url.endsWith(".js")) return 0;
  const threads = Math.min(availableParallelism(), MAX_THREADS, 1 + Math.floor(files / FILES_PER_WORKER));
  return threads < 2 ? 0 : shareHere ? threads - 1 : threads;
}

export interface ValidateThreads {
  /**
   * This thread validates files too, besides its workers: for a caller that reads the same
   * files again afterwards (`sdd ci`, whose later steps reuse what this thread read).
   * Otherwise it only hands the files out and collects the outcomes, so its heap, sized for
   * everything else the command does, does not grow with the files' garbage.
   * SDD_VALIDATE_SHARE=1 sets it for every caller (for the benchmark).
   */
  shareHere?: boolean;
}

/** Validate each target; the outcomes in the targets' order. */
export function validateTargets(
  targets: Target[],
  cwd: string,
  onProgress?: (done: number, total: number) => void,
  threads: ValidateThreads = {},
): FileOutcome[] {
  const share = threads.shareHere === true || process.env.SDD_VALIDATE_SHARE === "1";
  const workers = workerCount(targets.length, share);
  if (workers === 0) {
    return targets.map((t, i) => {
      const outcome = validateFile(t, cwd);
      onProgress?.(i + 1, targets.length);
      return outcome;
    });
  }

  const shared = new Int32Array(new SharedArrayBuffer(8));
  const ports: MessagePort[] = [];
  try {
    for (let w = 0; w < workers; w++) {
      const { port1, port2 } = new MessageChannel();
      const job: Job = { targets, cwd, shared, port: port2 };
      const worker = new Worker(new URL(import.meta.url), {
        workerData: { [JOB_KEY]: job },
        transferList: [port2],
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
      });
      // The process does not wait for a worker: by the time the outcomes are in, it has no work left.
      worker.unref();
      ports.push(port1);
    }
  } catch {
    // No worker (a limit of the platform): this thread claims every file below.
  }

  const outcomes = new Array<FileOutcome | undefined>(targets.length);
  const have = new Uint8Array(targets.length);
  const failed: number[] = [];
  let done = 0;
  const settle = (index: number, outcome: FileOutcome | undefined): void => {
    if (have[index] === 1) return;
    have[index] = 1;
    done++;
    onProgress?.(done, targets.length);
    if (outcome === undefined) failed.push(index);
    else outcomes[index] = outcome;
  };
  const here = (index: number): void => {
    let outcome: FileOutcome | undefined;
    try {
      outcome = validateFile(targets[index] as Target, cwd);
    } catch {
      outcome = undefined;
    }
    settle(index, outcome);
  };
  const drain = (): boolean => {
    let got = false;
    for (const port of ports) {
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
        const msg = m.message as Message;
        settle(msg.index, "failed" in msg ? undefined : msg.outcome);
        got = true;
      }
    }
    return got;
  };
  const claimHere = (): void => {
    for (let i = Atomics.add(shared, 0, 1); i < targets.length; i = Atomics.add(shared, 0, 1)) here(i);
  };
  // Without workers (none could start) this thread claims every file.
  if (share || ports.length === 0) claimHere();
  let idle = 0;
  while (done < targets.length) {
    const sent = Atomics.load(shared, 1);
    if (drain()) {
      idle = 0;
      continue;
    }
    // Woken when a worker sends an outcome. Should a worker die holding a file (it ran out
    // of memory, say), nothing arrives: after STALL_SECONDS of that, this thread does the rest.
    if (Atomics.wait(shared, 1, sent, 1000) === "timed-out") {
      // A second without an outcome: the workers are slow to start or gone; this thread
      // takes the files nobody has claimed yet.
      claimHere();
      if (++idle >= STALL_SECONDS) for (let i = 0; i < targets.length; i++) if (have[i] === 0) here(i);
    }
  }
  for (const port of ports) port.close();
  // Again on this thread, in order: the first one to throw is the error a single thread reports.
  for (const i of failed.sort((a, b) => a - b)) outcomes[i] = validateFile(targets[i] as Target, cwd);
  return outcomes as FileOutcome[];
}

/** A worker: claim files until none is left, sending each outcome. */
function serve(job: Job): void {
  const { targets, cwd, shared, port } = job;
  for (let i = Atomics.add(shared, 0, 1); i < targets.length; i = Atomics.add(shared, 0, 1)) {
    let msg: Message;
    try {
      msg = { index: i, outcome: validateFile(targets[i] as Target, cwd) };
    } catch {
      msg = { index: i, failed: true };
    }
    port.postMessage(msg);
    Atomics.add(shared, 1, 1);
    Atomics.notify(shared, 1);
  }
  port.close();
}

if (!isMainThread && typeof workerData === "object" && workerData !== null && JOB_KEY in workerData) {
  const job = (workerData as Record<string, Job>)[JOB_KEY] as Job;
  // After every module of this one's chunk has been evaluated.
  setImmediate(() => serve(job));
}
