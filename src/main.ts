/** Process entry: wires the real streams to the CLI and sets the exit code. */
import { run } from "./cli.js";

process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));

const code = await run(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdoutIsTTY: process.stdout.isTTY === true,
  stdinIsTTY: process.stdin.isTTY === true,
});
process.exitCode = code;
