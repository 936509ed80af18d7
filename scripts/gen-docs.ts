// Writes docs/commands.md from the command definitions, and the rule reference of
// docs/rules.md from the registry of finding codes (the page's prose above it is kept).
import { readFileSync, writeFileSync } from "node:fs";
import { buildProgram } from "../src/cli.js";
import { CliContext } from "../src/commands/_shared.js";
import { renderCommandsMarkdown } from "../src/ui/docs-gen.js";
import { renderRulesMarkdown } from "../src/ui/rules-doc.js";

const ctx = new CliContext({
  cwd: process.cwd(),
  env: {},
  stdout: () => undefined,
  stderr: () => undefined,
  stdoutIsTTY: false,
  stdinIsTTY: false,
});
writeFileSync(new URL("../docs/commands.md", import.meta.url), renderCommandsMarkdown(await buildProgram(ctx)));
const rules = new URL("../docs/rules.md", import.meta.url);
writeFileSync(rules, renderRulesMarkdown(readFileSync(rules, "utf8")));
