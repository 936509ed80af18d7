import type { Command } from "commander";
import type { Finding } from "../core/findings.js";
import type { FileReport } from "../core/validate/run.js";
import { summaryLine } from "../ui/findings-format.js";
import { withGlobalOptions, withSeverityOption, type CliContext, type GlobalOptions } from "./_shared.js";

interface ValidateFlags extends GlobalOptions {
  strict?: boolean;
  fix?: boolean;
  dryRun?: boolean;
  lockTimeout?: string;
}

/** The Python tool validated one spec: its counts, status and issues, from sdd's findings. */
function legacyValidate(file: FileReport, findings: readonly Finding[], fixable: ReadonlySet<string>): Record<string, unknown> {
  const mine = findings.filter((f) => f.severity !== "info");
  return {
    spec_id: file.spec_id ?? null,
    errors: file.errors,
    warnings: file.warnings,
    status: file.status === "unreadable" ? "errors" : file.status,
    auto_fixable_issues: mine.filter((f) => fixable.has(f.code)).length,
    issues: mine.map((f) => ({
      message: f.message,
      severity: f.severity,
      category: f.code,
      location: f.pointer.startsWith("/hierarchy/") ? (f.pointer.split("/")[2] ?? null) : null,
      auto_fixable: fixable.has(f.code),
    })),
    // The schema is compiled into sdd; its findings are among the issues.
    schema: {
      source: "sdd schema spec",
      errors: mine.filter((f) => f.code.startsWith("schema") && f.severity === "error").map((f) => f.message),
      warnings: [],
    },
  };
}

export function register(program: Command, ctx: CliContext): void {
  withSeverityOption(
    withGlobalOptions(
      program
        .command("validate")
        .description("check specs: JSON syntax, the schema, and the semantic rules (docs/rules.md)")
        .argument("[targets...]", "spec ids, spec files or directories (default: every spec)")
        .option("--strict", "warnings fail too (exit 1)")
        .option("--fix", "repair what has a safe repair (as sdd fix), then report what remains")
        .option("--dry-run", "with --fix: show the repairs as a JSON Patch; write nothing")
        .option("--lock-timeout <duration>", "with --fix: how long to wait for each spec's lock"),
      { formats: ["text", "json", "github"] },
    ),
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
    const [{ runValidate }, { FIXABLE }] = await Promise.all([import("../core/validate/run.js"), import("../core/mutations/fix.js")]);
    const result = runValidate({
      cwd: ctx.cwd,
      targets,
      specsDir: flags.specsDir,
      path: flags.path,
      strict: flags.strict === true,
      env: ctx.env,
      onProgress: ctx.progress("validating specs"),
    });
    ctx.report({
      command: "validate",
      exitCode: result.exitCode,
      payload: { summary: result.summary, files: result.files },
      findings: result.findings,
      summaryTitle: "sdd validate",
      ...(result.files.length === 1 ? { legacy: legacyValidate(result.files[0] as FileReport, result.findings, FIXABLE) } : {}),
      text: () => [summaryLine(result.findings, `${result.summary.files} spec file${result.summary.files === 1 ? "" : "s"} checked`)],
    });
  });
}
