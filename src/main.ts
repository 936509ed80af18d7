/** Process entry: wires the real streams to the CLI and sets the exit code. */
import { run } from "./cli.js";

import { removePendingTempFiles } from "./core/store/atomic.js";

// Interrupted: drop any half-written temp file; the spec itself is untouched until the
// atomic rename, and proper-lockfile releases held locks on exit.
process.on("SIGINT", () => {
  removePendingTempFiles();
  process.exit(130);
});
process.on("SIGTERM", () => {
  removePendingTempFiles();
  process.exit(130);
});
// A reader that went away (`sdd ... | head`) is not an error of ours.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

const code = await run(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdoutIsTTY: process.stdout.isTTY === true,
  stdinIsTTY: process.stdin.isTTY === true,
});
process.exitCode = code;
