/**
 * Markdown log entries to work items: one item per entry, and a log-layout finding for each
 * entry that would not render back byte for byte. Pure: the current date comes in.
 */
import type { Finding } from "../findings.js";
import { logEntries, parseLog, type EntryBlock, type HeadingRef, type OtherBlock } from "./parse.js";
import { deriveWorkItemId, uniqueId, workItemToEntryLines, type WorkItem } from "./model.js";

export interface EntryToItemOptions {
  id: string;
  /** Set the item's section (e.g. from the nearest heading). */
  section?: string;
}

/** Convert a parsed entry to a work item, keeping field order, unknown keys, nested lines and legacy notes. */
export function entryToWorkItem(entry: EntryBlock, options: EntryToItemOptions): WorkItem {
  const item: WorkItem = {
    schema_version: 1,
    id: options.id,
    state: entry.checked ? "done" : "open",
    tags: [...entry.tags],
    title: entry.title,
    fields: entry.fields.map((f) =>
      f.children.length > 0 ? { key: f.key, value: f.value, children: [...f.children] } : { key: f.key, value: f.value },
    ),
  };
  if (options.section !== undefined) item.section = options.section;
  if (entry.format === "legacy") {
    item.format = "legacy";
    if (entry.notes.length > 0) item.notes = [...entry.notes];
  }
  // Key order of the JSON file: identity, placement, layout, then the fields.
  const { fields, ...head } = item;
  return { ...head, fields };
}

/** Where an imported item came from. */
export interface ImportedItem {
  item: WorkItem;
  /** 1-based head line and last line of the entry in the source. */
  line: number;
  endLine: number;
  headings: HeadingRef[];
  /** The item renders back to exactly the source lines. */
  exact: boolean;
}

export interface ImportOptions {
  /** Date used for ids of entries with neither a Done nor a Started date (YYYY-MM-DD). */
  today: string;
  /** File name put in findings. */
  file?: string;
  /** Ids already in use (other items); new ids never collide with them. */
  existingIds?: Iterable<string>;
  /** Record each entry's nearest heading as the item's section (default: no section, so render places it by state). */
  keepSections?: boolean;
}

export interface ImportResult {
  items: ImportedItem[];
  /** Non-blank content that is not an entry (headings excluded), kept out of the items: free-form text and code. */
  skipped: Pick<OtherBlock, "role" | "line" | "endLine">[];
  /** log-layout: entries that do not render back byte for byte (what would change). */
  findings: Finding[];
}

/** Compare an entry with its rendering; a log-layout finding at the first differing line, or undefined. */
export function layoutFinding(entry: EntryBlock, item: WorkItem, file = ""): Finding | undefined {
  const rendered = workItemToEntryLines(item);
  const n = Math.max(rendered.length, entry.lines.length);
  for (let i = 0; i < n; i++) {
    const was = entry.lines[i];
    const now = rendered[i];
    if (was === now) continue;
    const what =
      was === undefined
        ? `would gain the line ${JSON.stringify(now)}`
        : now === undefined
          ? `line ${JSON.stringify(was)} would be dropped`
          : `${JSON.stringify(was)} would be rendered as ${JSON.stringify(now)}`;
    return {
      code: "log-layout",
      severity: "info",
      pointer: "",
      file,
      line: entry.line + Math.min(i, entry.lines.length - 1),
      column: 1,
      message: `entry "${entry.title}" is not in the canonical layout; import and render would normalise it: ${what}`,
    };
  }
  return undefined;
}

/**
 * Import a markdown log: one work item per entry (ids by deriveWorkItemId, made unique with
 * `-2`, `-3`… in file order), everything else listed in `skipped`, and a log-layout finding
 * for each entry that would not render back byte for byte.
 */
export function importLog(text: string, options: ImportOptions): ImportResult {
  const log = parseLog(text);
  const taken = new Set(options.existingIds ?? []);
  const items: ImportedItem[] = [];
  const findings: Finding[] = [];
  for (const entry of logEntries(log)) {
    const nearest = entry.headings[entry.headings.length - 1];
    const draft = entryToWorkItem(entry, { id: "draft" });
    const id = uniqueId(deriveWorkItemId(draft, options.today), taken);
    taken.add(id);
    const item = entryToWorkItem(entry, options.keepSections === true && nearest !== undefined ? { id, section: nearest.text } : { id });
    const finding = layoutFinding(entry, item, options.file);
    if (finding !== undefined) findings.push(finding);
    items.push({ item, line: entry.line, endLine: entry.endLine, headings: entry.headings, exact: finding === undefined });
  }
  const skipped = log.blocks
    .filter((b): b is OtherBlock => b.kind === "other" && b.role !== "blank")
    .map((b) => ({ role: b.role, line: b.line, endLine: b.endLine }));
  return { items, skipped, findings };
}
