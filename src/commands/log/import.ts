import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "../_shared.js";
import { worklog } from "./_places.js";

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
    const { places, store } = await worklog(ctx, flags);
    const [{ importLog, isTemplateFile, workItemJson }, { displayPath }, { NotFoundError }] = await Promise.all([
      import("../../core/worklog/index.js"),
      import("../../core/paths.js"),
      import("../../core/errors.js"),
    ]);
    // Ids given to items in this run (so the same entry in two files gives two items).
    const claimed = new Set<string>();
    const report: {
      file: string;
      imported: string[];
      existing: string[];
      skipped: { line: number; endLine: number; role: string }[];
      inexact: number;
      template?: boolean;
    }[] = [];
    for (const f of files) {
      const abs = resolve(ctx.cwd, f);
      const shown = displayPath(abs, ctx.cwd);
      if (!existsSync(abs)) throw new NotFoundError("file-not-found", `${shown}: no such file`, { file: shown });
      if (isTemplateFile(abs)) {
        // A template's entries are placeholders, not work.
        report.push({ file: shown, imported: [], existing: [], skipped: [], inexact: 0, template: true });
        continue;
      }
      const r = importLog(readFileSync(abs, "utf8"), {
        today: store.today(ctx.env),
        file: shown,
        existingIds: claimed,
        keepSections: flags.keepSections === true,
      });
      const entry = {
        file: shown,
        imported: [] as string[],
        existing: [] as string[],
        skipped: r.skipped.map((s) => ({ line: s.line, endLine: s.endLine, role: s.role })),
        inexact: r.findings.length,
      };
      for (const imported of r.items) {
        // The entry was imported before when a stored item under its id (or a `-N` variant
        // taken by another item) has exactly its content; otherwise the first free id.
        let item = imported.item;
        let already = false;
        for (let n = 2; ; n++) {
          const target = store.itemFile(places, item.id);
          if (!claimed.has(item.id)) {
            if (!existsSync(target)) break;
            if (readFileSync(target, "utf8") === workItemJson(item)) {
              already = true;
              break;
            }
          }
          item = { ...item, id: `${imported.item.id}-${n}` };
        }
        if (already) {
          entry.existing.push(item.id);
          continue;
        }
        claimed.add(item.id);
        if (flags.dryRun !== true) {
          mkdirSync(places.dir, { recursive: true });
          await store.saveItem(places, item, { create: true });
        }
        entry.imported.push(item.id);
      }
      report.push(entry);
    }
    ctx.report({
      command: "log import",
      exitCode: 0,
      payload: { dry_run: flags.dryRun === true, directory: displayPath(places.dir, ctx.cwd), files: report },
      text: () =>
        report.flatMap((r) =>
          r.template === true
            ? [`${r.file}: a template file; its entries are placeholders, nothing imported`]
            : [
                `${r.file}: ${flags.dryRun === true ? "would import" : "imported"} ${r.imported.length} item(s)${r.existing.length > 0 ? `, ${r.existing.length} already present` : ""} into ${displayPath(places.dir, ctx.cwd)}`,
                ...r.skipped.map((s) => `  not an entry, left out: lines ${s.line}-${s.endLine} (${s.role})`),
                ...(r.inexact > 0
                  ? [`  ${r.inexact} entr${r.inexact === 1 ? "y is" : "ies are"} not in the canonical layout (see sdd log lint ${r.file})`]
                  : []),
              ],
        ),
    });
  });
}
