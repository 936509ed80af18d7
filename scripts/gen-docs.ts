// Writes docs/commands.md from the command definitions.
import { writeFileSync } from "node:fs";
import { buildProgram } from "../src/cli.js";
import { CliContext } from "../src/commands/_shared.js";
import { renderCommandsMarkdown } from "../src/ui/docs-gen.js";

const ctx = new CliContext({
  cwd: process.cwd(),
  env: {},
  stdout: () => undefined,
  stderr: () => undefined,
  stdoutIsTTY: false,
  stdinIsTTY: false,
});
writeFileSync(new URL("../docs/commands.md", import.meta.url), renderCommandsMarkdown(await buildProgram(ctx)));
