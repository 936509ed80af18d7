/** `sdd log import`: hand-written markdown logs into JSON work items, one file per entry. */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { NotFoundError } from "../../errors.js";
import { displayPath } from "../../paths.js";
import type { SpecsLocation } from "../../store/discovery.js";
import { importLog } from "../import.js";
import { isTemplateFile, workItemJson } from "../model.js";
import { itemFile, saveItem, today, worklogPlaces } from "../store.js";

export interface ImportLogsOptions {
  loc: SpecsLocation;
  cwd: string;
  env: NodeJS.ProcessEnv;
  files: readonly string[];
  /** Report what would be imported; write nothing. */
  dryRun: boolean;
  /** Record each entry's heading as its section. */
  keepSections: boolean;
}

export interface ImportedFile {
  file: string;
  imported: string[];
  /** Entries imported before: a stored item has exactly their content. */
  existing: string[];
  /** What is not an entry, left out. */
  skipped: { line: number; endLine: number; role: string }[];
  /** Entries not in the canonical layout. */
  inexact: number;
  /** A template file: its entries are placeholders, nothing imported. */
  template?: boolean;
}

export interface ImportLogsResult {
  /** The work-item folder, as users see it. */
  directory: string;
  files: ImportedFile[];
}

export async function importLogs(o: ImportLogsOptions): Promise<ImportLogsResult> {
  const places = worklogPlaces(o.loc);
  // Ids given to items in this run (so the same entry in two files gives two items).
  const claimed = new Set<string>();
  const report: ImportedFile[] = [];
  for (const f of o.files) {
    const abs = resolve(o.cwd, f);
    const shown = displayPath(abs, o.cwd);
    if (!existsSync(abs)) throw new NotFoundError("file-not-found", `${shown}: no such file`, { file: shown });
    if (isTemplateFile(abs)) {
      report.push({ file: shown, imported: [], existing: [], skipped: [], inexact: 0, template: true });
      continue;
    }
    const r = importLog(readFileSync(abs, "utf8"), {
      today: today(o.env),
      file: shown,
      existingIds: claimed,
      keepSections: o.keepSections,
    });
    const entry: ImportedFile = {
      file: shown,
      imported: [],
      existing: [],
      skipped: r.skipped.map((s) => ({ line: s.line, endLine: s.endLine, role: s.role })),
      inexact: r.findings.length,
    };
    for (const imported of r.items) {
      // The entry was imported before when a stored item under its id (or a `-N` variant
      // taken by another item) has exactly its content; otherwise the first free id.
      let item = imported.item;
      let already = false;
      for (let n = 2; ; n++) {
        const target = itemFile(places, item.id);
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
      if (!o.dryRun) {
        mkdirSync(places.dir, { recursive: true });
        await saveItem(places, item, { create: true });
      }
      entry.imported.push(item.id);
    }
    report.push(entry);
  }
  return { directory: displayPath(places.dir, o.cwd), files: report };
}
