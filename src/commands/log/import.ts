import type { Command } from "commander";
import { ExitCode } from "../../core/errors.js";
import { locateSpecs } from "../_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "../_shared.js";

interface ImportFlags extends GlobalOptions {
  dryRun?: boolean;
  keepSections?: boolean;
}

export function register(log: Command, ctx: CliContext): void {
  withGlobalOptions(
    log
      .command("import")
      .description(
        "import hand-written markdown logs into JSON work items (one file per entry); what is not an entry is reported, not dropped silently",
      )
      .argument("<files...>", "markdown log files")
      .option("--dry-run", "report what would be imported; write nothing")
      .option("--keep-sections", "record each entry's heading as its section"),
  ).action(async (files: string[], flags: ImportFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const { importLogs } = await import("../../core/worklog/ops/import.js");
    const dryRun = flags.dryRun === true;
    const r = await importLogs({ loc, cwd: ctx.cwd, env: ctx.env, files, dryRun, keepSections: flags.keepSections === true });
    ctx.report({
      command: "log import",
      exitCode: ExitCode.ok,
      payload: { dry_run: dryRun, directory: r.directory, files: r.files },
      text: () =>
        r.files.flatMap((f) =>
          f.template === true
            ? [`${f.file}: a template file; its entries are placeholders, nothing imported`]
            : [
                `${f.file}: ${dryRun ? "would import" : "imported"} ${f.imported.length} item(s)${f.existing.length > 0 ? `, ${f.existing.length} already present` : ""} into ${r.directory}`,
                ...f.skipped.map((s) => `  not an entry, left out: lines ${s.line}-${s.endLine} (${s.role})`),
                ...(f.inexact > 0
                  ? [`  ${f.inexact} entr${f.inexact === 1 ? "y is" : "ies are"} not in the canonical layout (see sdd log lint ${f.file})`]
                  : []),
              ],
        ),
    });
  });
}
