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

export function jobIo(job: CliJob, stdout: (s: string) => void, stderr: (s: string) => void): CliIo {
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
