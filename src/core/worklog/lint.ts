/**
 * Lint rules of the work-item log (codes `log-*`, docs/worklog.md). The same item rules run
 * on a markdown entry (findings carry line numbers) and on a JSON work item (findings carry
 * JSON pointers). The filesystem and the spec store come in as callbacks, so this stays pure.
 */
import type { Finding } from "../findings.js";
import { compareFindings } from "../findings.js";
import { schemaFindings } from "../schema/validate.js";
import { entryToWorkItem, layoutFinding } from "./import.js";
import { fieldValue, isIsoDate, linkTarget, type WorkItem } from "./model.js";
import { logEntries, parseLog, type EntryBlock, type HeadingRef, type OtherBlock, type ParsedLog } from "./parse.js";
import { checkLinkedState, checkLinks } from "./lint-links.js";
import {
  DEFAULT_FIELD_PLACEHOLDERS,
  indexOfKey,
  LOG_RULES,
  type ItemContext,
  type LintItemOptions,
  type LintOptions,
  type LogRuleCode,
  type Target,
} from "./lint-rules.js";

export * from "./lint-rules.js";

const REQUIRED = ["Spec", "Owner", "Summary"] as const;
const PLAIN_KEY = /^[A-Z][A-Za-z-]*(?: [A-Za-z][A-Za-z-]*)*$/;
const PLACEHOLDER_WHOLE = /^`?<[^<>`]+>`?$/;
const DATE_PLACEHOLDER = /<YYYY-MM-DD>/i;
const DONE_SECTION = /\b(?:done|completed?|finished|shipped|closed)\b/i;
const OPEN_SECTION = /\b(?:in[ -]?progress|active|blocked|to[ -]?do|open|ongoing|backlog)\b/i;

/** Where the placeholders of a template-copied item are, or [] for a real item. */
function placeholders(item: WorkItem): string[] {
  const where: string[] = [];
  if (item.tags.some((t) => PLACEHOLDER_WHOLE.test(t))) where.push("tags");
  if (PLACEHOLDER_WHOLE.test(item.title.trim()) || DATE_PLACEHOLDER.test(item.title)) where.push("title");
  for (const f of item.fields) {
    const v = f.value.trim();
    if (PLACEHOLDER_WHOLE.test(v) || DATE_PLACEHOLDER.test(v)) where.push(f.key);
  }
  return where;
}

/** "done" or "open" for the innermost section title that says which, else undefined. */
function sectionKind(titles: readonly string[]): { kind: "done" | "open"; title: string } | undefined {
  for (const title of titles) {
    const done = DONE_SECTION.test(title);
    const open = OPEN_SECTION.test(title);
    if (done !== open) return { kind: done ? "done" : "open", title };
  }
  return undefined;
}

/** The rules of one item, shared by markdown entries and JSON items. */
function checkItem(ctx: ItemContext): void {
  const { item, report } = ctx;
  const holes = placeholders(item);
  if (holes.length > 0) {
    report("log-placeholder", {}, `entry "${item.title}" is a template placeholder (${holes.join(", ")}); fill it in or remove it`);
    return;
  }
  checkRequiredFields(ctx);
  if (ctx.legacy) {
    report(
      "log-legacy-format",
      {},
      `entry "${item.title}" is in the older format (bold keys or free description bullets); it is kept verbatim and its format is not checked further`,
    );
    // "Done while the spec is still open" is a failure in any format.
    checkLinkedState(ctx);
    return;
  }

  const started = fieldValue(item, "Started");
  const done = fieldValue(item, "Done");
  const present = (key: string): boolean => fieldValue(item, key) !== undefined;
  const missing = (key: string): void => {
    const at = indexOfKey(item, key);
    report(
      "log-missing-field",
      at >= 0 ? { field: at } : { prop: "fields" },
      `${key} is ${at >= 0 ? "empty" : "missing"} in "${item.title}"`,
    );
  };
  for (const key of REQUIRED) if (!present(key)) missing(key);
  if (item.state === "done" && done === undefined) {
    if (started !== undefined)
      report(
        "log-checkbox-fields",
        { prop: "state" },
        `"${item.title}" is checked [x] but has Started and no Done: add a Done date or uncheck it`,
      );
    else missing("Done");
  }
  if (item.state === "open") {
    if (done !== undefined)
      report(
        "log-checkbox-fields",
        { field: indexOfKey(item, "Done") },
        `"${item.title}" is unchecked [ ] but has a Done date: check it or remove Done`,
      );
    else if (started === undefined) missing("Started");
  }

  item.fields.forEach((f, i) => {
    const v = f.value.trim();
    if ((f.key === "Started" || f.key === "Done") && v !== "" && !isIsoDate(v))
      report("log-date-format", { field: i, value: true }, `${f.key} ${JSON.stringify(v)} is not an absolute YYYY-MM-DD date`);
    if (f.children !== undefined && f.children.length > 0)
      report(
        "log-nested-field",
        { field: i },
        `${f.key} has ${f.children.length} nested line(s); the log keeps one line per field, details belong in the work-item spec`,
      );
    if (!PLAIN_KEY.test(f.key))
      report(
        "log-key-format",
        { field: i },
        `key ${JSON.stringify(f.key)} is not plain words; put dates and notes in the value so the key stays the same`,
      );
  });

  checkLinks(ctx);
  checkLinkedState(ctx);

  const section = sectionKind(ctx.sections);
  if (section !== undefined && section.kind !== (item.state === "done" ? "done" : "open")) {
    const box = item.state === "done" ? "checked [x]" : "unchecked [ ]";
    report("log-checkbox-section", { prop: "state" }, `"${item.title}" is ${box} but sits under "${section.title}"`);
  }
}

/** The team's required fields for the item's state: absent, empty or a placeholder value is missing. */
function checkRequiredFields(ctx: ItemContext): void {
  const { item, report, options } = ctx;
  const keys = options.requiredFields?.[item.state] ?? [];
  if (keys.length === 0) return;
  const placeholders = new Set((options.fieldPlaceholders ?? DEFAULT_FIELD_PLACEHOLDERS).map(normalPlaceholder));
  for (const key of keys) {
    // The built-in required fields of a current-format entry are checked (once) by checkItem.
    if (!ctx.legacy && builtInRequired(item).includes(key)) continue;
    const at = indexOfKey(item, key);
    const value = fieldValue(item, key);
    if (value === undefined)
      report(
        "log-missing-field",
        at >= 0 ? { field: at } : { prop: "fields" },
        `${key} is ${at >= 0 ? "empty" : "missing"} in "${item.title}" (required for ${item.state} items by sdd.config.json)`,
      );
    else if (placeholders.has(normalPlaceholder(value)))
      report(
        "log-missing-field",
        { field: at, value: true },
        `${key} of "${item.title}" is a placeholder (${JSON.stringify(value)}), not a value (required for ${item.state} items by sdd.config.json)`,
      );
  }
}

function normalPlaceholder(v: string): string {
  return v
    .trim()
    .replace(/^`(.*)`$/, "$1")
    .replace(/(?<=\w)\.$/, "")
    .toLowerCase();
}

function builtInRequired(item: WorkItem): string[] {
  return [...REQUIRED, item.state === "done" ? "Done" : "Started"];
}

/** Items that repeat an earlier one: same normalised title and same Spec target (or tags, without Spec). */
function duplicateKey(item: WorkItem): string {
  const title = item.title.trim().replace(/\s+/g, " ").toLowerCase();
  const spec = fieldValue(item, "Spec");
  return `${title}\u0000${spec === undefined ? `tags:${item.tags.join("][")}` : (linkTarget(spec) ?? spec)}`;
}

function finding(code: LogRuleCode, message: string, file: string, pointer: string, line?: number, column?: number): Finding {
  const f: Finding = { code, severity: LOG_RULES[code].severity, message, pointer, file };
  if (line !== undefined) f.line = line;
  if (column !== undefined) f.column = column;
  return f;
}

const CHECKBOXISH = /^-\s*\[[ xX]?\]/;
const ENTRY_FIELDISH = /^\s+- (?:\*\*)?(?:Spec|SDD Spec|Owner|Started|Done|Summary)(?:\*\*)?:/;
const SPEC_REFERENCE = /^\s{0,3}(?:[-*] )?(?:Spec|SDD Spec|SDD):\s*\S/;

/** File-level rules on the blocks that are not entries. */
function checkOther(block: OtherBlock, file: string, out: Finding[]): void {
  if (block.role !== "text") return;
  let malformed = false;
  block.lines.forEach((line, i) => {
    if (CHECKBOXISH.test(line) && ENTRY_FIELDISH.test(block.lines[i + 1] ?? "")) {
      malformed = true;
      out.push(
        finding(
          "log-malformed-head",
          `${JSON.stringify(line.slice(0, 80))} is followed by entry fields but is not an entry head (\`- [ ] **[TAG]** Title\`); it is not imported`,
          file,
          "",
          block.line + i,
          1,
        ),
      );
    }
  });
  if (malformed) return;
  const at = block.lines.findIndex((line) => SPEC_REFERENCE.test(line));
  if (at >= 0)
    out.push(
      finding(
        "log-free-form",
        "free-form notes reference a work item but are not a `- [ ] **[TAG]** Title` entry; they are not imported as a work item",
        file,
        "",
        block.line + at,
        1,
      ),
    );
}

function entryTargetLine(entry: EntryBlock, target: Target): { line: number; column: number } {
  if (target.field === undefined || target.field < 0) return { line: entry.line, column: 1 };
  const f = entry.fields[target.field];
  if (f === undefined) return { line: entry.line, column: 1 };
  const keyLength = f.bold ? f.key.length + 4 : f.key.length;
  return { line: f.line, column: target.value === true ? 4 + keyLength + 3 : 5 };
}

/** Lint a parsed markdown log: every entry's item rules, duplicates, layout, and the non-entry blocks. */
export function lintParsedLog(log: ParsedLog, options: LintOptions = {}): Finding[] {
  const file = options.file ?? "";
  const out: Finding[] = [];
  const entries = logEntries(log);
  const seen = new Map<string, EntryBlock>();
  for (const entry of entries) {
    const item = entryToWorkItem(entry, { id: `line-${entry.line}` });
    checkItem({
      item,
      legacy: entry.format === "legacy",
      sections: entry.headings.map((h: HeadingRef) => h.text).reverse(),
      options,
      report: (code, target, message) => {
        const at = entryTargetLine(entry, target);
        out.push(finding(code, message, file, "", at.line, at.column));
      },
    });
    const layout = layoutFinding(entry, item, file);
    if (layout !== undefined) out.push(layout);
    // Template placeholders are reported as such; their sameness is not a second problem.
    if (placeholders(item).length > 0) continue;
    const key = duplicateKey(item);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, entry);
    else out.push(finding("log-duplicate", `"${entry.title}" repeats the entry at line ${first.line}`, file, "", entry.line, 1));
  }
  for (const block of log.blocks) if (block.kind === "other") checkOther(block, file, out);
  if (entries.length === 0)
    out.push(finding("log-no-entries", "no work-item entries (`- [ ] **[TAG]** Title`) in this file", file, "", 1, 1));
  return out.sort(compareFindings);
}

/** Lint markdown log text (see lintParsedLog). */
export function lintLog(text: string, options: LintOptions = {}): Finding[] {
  return lintParsedLog(parseLog(text), options);
}

/** JSON findings have no line: order them by pointer, then code and message. */
function compareByPointer(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.pointer !== b.pointer) return a.pointer < b.pointer ? -1 : 1;
  return compareFindings(a, b);
}

function itemPointer(target: Target): string {
  if (target.field !== undefined && target.field >= 0) return `/fields/${target.field}${target.value === true ? "/value" : ""}`;
  return target.prop === undefined ? "" : `/${target.prop}`;
}

/** Lint one JSON work item: the schema first (nothing else runs on an invalid item), then the item rules. */
export function lintWorkItem(value: unknown, options: LintItemOptions = {}): Finding[] {
  const file = options.file ?? "";
  const schema = schemaFindings("work-item", value, "log-schema");
  if (schema.length > 0) return schema.map((f) => ({ ...f, file })).sort(compareByPointer);
  const item = value as WorkItem;
  const out: Finding[] = [];
  if (options.fileStem !== undefined && options.fileStem !== item.id)
    out.push(finding("log-id-mismatch", `id ${JSON.stringify(item.id)} differs from the file name ${options.fileStem}.json`, file, "/id"));
  if (item.tags.length === 0)
    out.push(
      finding("log-no-tags", `"${item.title}" has no tags; its rendered head line would not be read back as an entry`, file, "/tags"),
    );
  checkItem({
    item,
    legacy: item.format === "legacy",
    sections: item.section === undefined ? [] : [item.section],
    options,
    report: (code, target, message) => {
      out.push(finding(code, message, file, itemPointer(target)));
    },
  });
  return out.sort(compareByPointer);
}

/** Lint a set of JSON work items: each one (lintWorkItem), plus duplicate ids and duplicate entries across files. */
export function lintWorkItems(
  items: readonly { value: unknown; file: string }[],
  options: Omit<LintItemOptions, "file" | "fileStem"> = {},
): Finding[] {
  const out: Finding[] = [];
  const ids = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const { value, file } of items) {
    const stem = file.replace(/^.*[\\/]/, "").replace(/\.json$/, "");
    const own = lintWorkItem(value, { ...options, file, fileStem: stem });
    out.push(...own);
    if (own.some((f) => f.code === "log-schema")) continue;
    const item = value as WorkItem;
    const other = ids.get(item.id);
    if (other === undefined) ids.set(item.id, file);
    else out.push(finding("log-duplicate-id", `id ${JSON.stringify(item.id)} is also used by ${other}`, file, "/id"));
    if (placeholders(item).length > 0) continue;
    const key = duplicateKey(item);
    const twin = keys.get(key);
    if (twin === undefined) keys.set(key, file);
    else out.push(finding("log-duplicate", `"${item.title}" repeats the item in ${twin}`, file, ""));
  }
  return out.sort(compareByPointer);
}
