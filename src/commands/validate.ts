import type { Command } from "commander";
import { summaryLine } from "../ui/findings-format.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

interface ValidateFlags extends GlobalOptions {
  strict?: boolean;
  fix?: boolean;
  dryRun?: boolean;
  lockTimeout?: string;
}

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("validate")
      .description("check specs: JSON syntax, the schema, and the semantic rules (docs/rules.md)")
      .argument("[targets...]", "spec ids, spec files or directories (default: every spec)")
      .option("--strict", "warnings fail too (exit 1)")
      .option("--fix", "repair what has a safe repair (as sdd fix), then report what remains")
      .option("--dry-run", "with --fix: show the repairs as a JSON Patch; write nothing")
      .option("--lock-timeout <duration>", "with --fix: how long to wait for each spec's lock"),
  ).action(async (targets: string[], flags: ValidateFlags) => {
    if (flags.fix === true) {
      const [{ runFix }, { findSpecsDir, listSpecFiles }] = await Promise.all([import("./fix.js"), import("../core/store/discovery.js")]);
      const specs =
        targets.length > 0
          ? targets
          : listSpecFiles(findSpecsDir({ cwd: ctx.cwd, specsDir: flags.specsDir, path: flags.path, env: ctx.env }).specsDir).map(
              (r) => r.file,
            );
      await runFix(ctx, specs, flags);
      return;
    }
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
