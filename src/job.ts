/**
 * One run of the CLI as the process was asked for it: what a worker thread (src/worker.ts)
 * needs to run it as the main thread would, and the messages it sends back.
 */
import type { CliIo } from "./commands/_shared.js";

export interface CliJob {
  args: string[];
  cwd: string;
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
  stderrIsTTY: boolean;
  self: { node: string; script: string };
}

export type WorkerMessage = { stream: "out" | "err"; text: string } | { exit: number };

/** The key of the job in a worker's workerData. */
export const JOB_KEY = "sddCliJob";

/** The job's streams as the CLI sees them; whether each is a terminal is asked of the job when needed. */
export function jobIo(job: CliJob, stdout: (s: string) => void, stderr: (s: string) => void): CliIo {
  return {
    cwd: job.cwd,
    env: process.env,
    stdout,
    stderr,
    get stdoutIsTTY() {
      return job.stdoutIsTTY;
    },
    get stdinIsTTY() {
      return job.stdinIsTTY;
    },
    get stderrIsTTY() {
      return job.stderrIsTTY;
    },
    self: job.self,
  };
}
