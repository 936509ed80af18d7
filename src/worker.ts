/**
 * The worker thread that runs a long read-only run for src/main.ts: it runs the CLI on the
 * job it is handed and posts the output and the exit code back to the main thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { run } from "./cli.js";
import { JOB_KEY, jobIo, type CliJob, type WorkerMessage } from "./job.js";

const job = (workerData as Record<string, CliJob | undefined> | null)?.[JOB_KEY];
if (job !== undefined && parentPort !== null) {
  const port = parentPort;
  const post = (m: WorkerMessage): void => port.postMessage(m);
  const code = await run(
    job.args,
    jobIo(
      job,
      (text) => post({ stream: "out", text }),
      (text) => post({ stream: "err", text }),
    ),
  );
  post({ exit: code });
}
