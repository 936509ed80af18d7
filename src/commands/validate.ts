import type { Command } from "commander";
import { summaryLine } from "../output/findings-format.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

interface ValidateFlags extends GlobalOptions {
  strict?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("validate")
      .description("check specs: JSON syntax, the schema, and the semantic rules (docs/rules.md)")
      .argument("[targets...]", "spec ids, spec files or directories (default: every spec)")
      .option("--strict", "warnings fail too (exit 1)"),
  ).action(async (targets: string[], flags: ValidateFlags) => {
    ctx.setGlobals(flags, ["text", "json", "github"]);
    const { runValidate } = await import("../core/validate/run.js");
    const result = runValidate({
      cwd: ctx.cwd,
      targets,
      specsDir: flags.specsDir,
      path: flags.path,
      strict: flags.strict === true,
      env: ctx.env,
    });
    ctx.report({
      command: "validate",
      exitCode: result.exitCode,
      payload: { summary: result.summary, files: result.files },
      findings: result.findings,
      summaryTitle: "sdd validate",
      text: () => [summaryLine(result.findings, `${result.summary.files} spec file${result.summary.files === 1 ? "" : "s"} checked`)],
    });
  });
}
