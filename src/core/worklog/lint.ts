/**
 * Lint rules of the work-item log (codes `log-*`, docs/worklog.md). The same item rules run
 * on a markdown entry (findings carry line numbers) and on a JSON work item (findings carry
 * JSON pointers). The filesystem and the spec store come in as callbacks, so this stays pure.
 */
import type { Finding, Severity } from "../findings.js";
import { compareFindings } from "../findings.js";
import { schemaFindings } from "../schema/validate.js";
import { entryToWorkItem, fieldValue, isIsoDate, layoutFinding, linkTarget, type WorkItem } from "./model.js";
import { logEntries, parseLog, type EntryBlock, type HeadingRef, type OtherBlock, type ParsedLog } from "./parse.js";

/** Every rule: its code, severity and a one-line summary (docs/worklog.md has examples). */
export const LOG_RULES = {
  "log-schema": { severity: "error", summary: "the JSON work item does not match schemas/work-item.schema.json" },
  "log-id-mismatch": { severity: "error", summary: "the work item's id differs from its file name" },
  "log-duplicate-id": { severity: "error", summary: "two work items share an id" },
  "log-missing-field": {
    severity: "error",
    summary: "a required field (Spec, Owner, Summary; Started when open, Done when done) is missing or empty",
  },
  "log-date-format": { severity: "error", summary: "Started/Done is not an absolute YYYY-MM-DD date" },
  "log-checkbox-fields": { severity: "error", summary: "the checkbox disagrees with the dates ([x] without Done, [ ] with Done)" },
  "log-spec-missing": { severity: "error", summary: "the Spec link does not point to an existing file" },
  "log-sdd-spec-missing": { severity: "error", summary: "the SDD Spec link does not resolve to a spec" },
  "log-spec-incomplete": {
    severity: "error",
    summary:
      "a done item's SDD spec (its SDD Spec, its work-item document's SDD spec line, or a spec naming that document) is not complete",
  },
  "log-placeholder": { severity: "error", summary: "an entry copied from a template still has placeholders (<TAG>, <YYYY-MM-DD>)" },
  "log-spec-ambiguous": {
    severity: "warning",
    summary: "the entry's work-item document is linked to more than one SDD spec; which one backs the entry is not guessed",
  },
  "log-spec-no-work": { severity: "warning", summary: "a done item's linked SDD spec holds no work (no task, subtask or verify step)" },
  "log-doc-status": { severity: "warning", summary: "the work-item document's Status disagrees with the entry's checkbox" },
  "log-checkbox-section": {
    severity: "warning",
    summary: "the checkbox disagrees with the section ([x] under In progress, [ ] under Done)",
  },
  "log-spec-complete-open": { severity: "warning", summary: "an open item's SDD spec is complete and in completed/" },
  "log-sdd-spec-moved": { severity: "warning", summary: "the SDD Spec path names a folder the spec is no longer in" },
  "log-link-format": { severity: "warning", summary: "a Spec/SDD Spec value is not one backticked path" },
  "log-derived-field": { severity: "warning", summary: "a Progress field is typed although the linked SDD spec provides it" },
  "log-duplicate": { severity: "warning", summary: "two entries have the same title and Spec" },
  "log-malformed-head": { severity: "warning", summary: "a checkbox line with entry fields whose head is not `- [ ] **[TAG]** Title`" },
  "log-free-form": { severity: "warning", summary: "free-form text references a work item but is not an entry, so it is not imported" },
  "log-no-tags": { severity: "warning", summary: "a work item without tags renders a head line that does not re-import" },
  "log-legacy-format": {
    severity: "info",
    summary: "an entry in the older format (bold keys, free bullets): kept verbatim, not checked further",
  },
  "log-nested-field": { severity: "info", summary: "a field has nested sub-bullets; details belong in the work-item spec" },
  "log-key-format": { severity: "info", summary: "a field key is not plain Title Case words (e.g. has a date in it)" },
  "log-layout": { severity: "info", summary: "an entry is not in the canonical layout; import and render would normalise it" },
  "log-no-entries": { severity: "info", summary: "the file has no work-item entries" },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type LogRuleCode = keyof typeof LOG_RULES;

/** A spec found by resolveSpec: its lifecycle folder and whether every task is complete. */
export interface ResolvedSpec {
  folder: string;
  complete: boolean;
  /** The spec id, when known (links that name one spec two ways are one link). */
  id?: string;
  /** Completed and total units of work below the linked node, when known. */
  completed?: number;
  total?: number;
}

/** What a work-item document (the `Spec` link target) says about itself. */
export interface WorkItemDoc {
  /** The target of its own SDD spec line (`- SDD Spec …: \`…\``), when it has one. */
  sddSpec?: string;
  /** Its `Status:` value, when it has one. */
  status?: string;
}

export interface LintOptions {
  /** File name put in findings. */
  file?: string;
  /** Whether a repo-relative path (a Spec link target, as written) exists. Without it Spec links are not checked. */
  exists?: (path: string) => boolean;
  /** Look up an SDD Spec link target (a path or a spec id). Without it SDD Spec links are not checked. */
  resolveSpec?: (idOrPath: string) => ResolvedSpec | undefined;
  /** Read a `Spec` link target (a work-item document) for its own SDD spec line and Status. */
  workItemDoc?: (path: string) => WorkItemDoc | undefined;
  /** The ids of the specs whose `metadata.work_item_spec` names this `Spec` link target. */
  specsClaiming?: (path: string) => string[];
  /** Fields a team requires per state (`requiredFields` in sdd.config.json), on top of the built-in ones; legacy entries too. */
  requiredFields?: { open?: readonly string[]; done?: readonly string[] };
  /** Values that do not count as filling a required field (`fieldPlaceholders`); default DEFAULT_FIELD_PLACEHOLDERS. */
  fieldPlaceholders?: readonly string[];
}

/** Values that say "not filled in yet": a required field holding one of them is missing (compared case-insensitively, without a final period). */
export const DEFAULT_FIELD_PLACEHOLDERS: readonly string[] = [
  "TBD",
  "TBA",
  "TODO",
  "Pending",
  "Pending implementation",
  "Not yet",
  "-",
  "?",
  "...",
];

export interface LintItemOptions extends LintOptions {
  /** The JSON file name without `.json`; when given, the id must equal it. */
  fileStem?: string;
}

/** What a finding points at inside an item: the head, a property, or a field (its value). */
interface Target {
  prop?: "state" | "tags" | "title" | "section" | "fields";
  field?: number;
  value?: boolean;
}

interface ItemContext {
  item: WorkItem;
  legacy: boolean;
  /** Section titles the item sits under, innermost first. */
  sections: string[];
  report: (code: LogRuleCode, target: Target, message: string) => void;
  options: LintOptions;
}

const REQUIRED = ["Spec", "Owner", "Summary"] as const;
const SPEC_FOLDERS = ["pending", "active", "completed", "archived"];
const NOT_APPLICABLE = /^(?:n\/a|none|tbd|-)(?:\W|$)/i;
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

function indexOfKey(item: WorkItem, key: string): number {
  return item.fields.findIndex((f) => f.key === key);
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

function checkLinks(ctx: ItemContext): void {
  const { item, report, options } = ctx;
  const specAt = indexOfKey(item, "Spec");
  const sddAt = indexOfKey(item, "SDD Spec");
  const spec = fieldValue(item, "Spec");
  if (spec !== undefined) {
    if (!/^`[^`]+`$/.test(spec))
      report("log-link-format", { field: specAt, value: true }, `Spec ${JSON.stringify(spec)} should be one backticked path`);
    const target = linkTarget(spec);
    if (target !== undefined && options.exists !== undefined && !options.exists(target))
      report("log-spec-missing", { field: specAt, value: true }, `Spec ${target} does not exist`);
  }
  const sdd = fieldValue(item, "SDD Spec");
  const sddTarget = sdd === undefined ? undefined : linkTarget(sdd);
  if (sdd === undefined || sddTarget === undefined || NOT_APPLICABLE.test(sddTarget)) return;
  if (!/^`[^`]+`$/.test(sdd))
    report("log-link-format", { field: sddAt, value: true }, `SDD Spec ${JSON.stringify(sdd)} should be one backticked path or id`);
  const progressAt = indexOfKey(item, "Progress");
  if (progressAt >= 0)
    report(
      "log-derived-field",
      { field: progressAt },
      `Progress is derived from the linked SDD spec when the log is rendered; remove the typed value`,
    );
  if (options.resolveSpec === undefined) return;
  const resolved = options.resolveSpec(sddTarget);
  if (resolved === undefined) {
    report("log-sdd-spec-missing", { field: sddAt, value: true }, `SDD Spec ${sddTarget} does not resolve to a spec`);
    return;
  }
  const linkedFolder = sddTarget.split(/[\\/]/).find((part) => SPEC_FOLDERS.includes(part));
  if (linkedFolder !== undefined && linkedFolder !== resolved.folder)
    report(
      "log-sdd-spec-moved",
      { field: sddAt, value: true },
      `SDD Spec links ${linkedFolder}/ but the spec is now in ${resolved.folder}/; update the path`,
    );
}

const DOC_DONE = /^(?:done|completed?|closed|shipped|finished|merged)$/i;
const DOC_OPEN =
  /^(?:draft|active|open|pending|planned|blocked|todo|to[ _-]do|in[ _-]progress|wip|review|in[ _-]review|verification[ _-]pending)$/i;

/** One SDD spec an item is linked to, and which of the three link paths found it. */
interface Linked {
  spec: ResolvedSpec;
  target: string;
  via: "entry" | "document" | "claim";
  field: number;
}

/**
 * The SDD spec behind an item, by the three ways teams link them: the entry's own `SDD Spec`
 * field; else the `Spec` work-item document's own SDD spec line, and the specs whose
 * `metadata.work_item_spec` names that document. Two different specs found for one document
 * are reported (log-spec-ambiguous), not guessed between.
 */
function linkedSpec(ctx: ItemContext): Linked | undefined {
  const { item, report, options } = ctx;
  if (options.resolveSpec === undefined) return undefined;
  const sdd = fieldValue(item, "SDD Spec");
  if (sdd !== undefined) {
    const target = linkTarget(sdd);
    if (target === undefined || NOT_APPLICABLE.test(target)) return undefined;
    const spec = options.resolveSpec(target);
    return spec === undefined ? undefined : { spec, target, via: "entry", field: indexOfKey(item, "SDD Spec") };
  }
  const specAt = indexOfKey(item, "Spec");
  const doc = specAt < 0 ? undefined : linkTarget(fieldValue(item, "Spec") ?? "");
  if (doc === undefined) return undefined;
  const found: Linked[] = [];
  const docLine = options.workItemDoc?.(doc)?.sddSpec;
  if (docLine !== undefined && !NOT_APPLICABLE.test(docLine)) {
    const spec = options.resolveSpec(docLine);
    if (spec === undefined)
      report(
        "log-sdd-spec-missing",
        { field: specAt, value: true },
        `the work-item document ${doc} names SDD spec ${docLine}, which does not resolve to a spec`,
      );
    else found.push({ spec, target: docLine, via: "document", field: specAt });
  }
  for (const id of options.specsClaiming?.(doc) ?? []) {
    const spec = options.resolveSpec(id);
    if (spec !== undefined) found.push({ spec, target: id, via: "claim", field: specAt });
  }
  const ids = [...new Set(found.map((f) => f.spec.id ?? f.target))];
  if (ids.length > 1) {
    report(
      "log-spec-ambiguous",
      { field: specAt, value: true },
      `the work-item document ${doc} is linked to ${ids.length} SDD specs (${ids.join(", ")}); add an SDD Spec field to the entry naming the one that backs it`,
    );
    return undefined;
  }
  return found[0];
}

function linkPhrase(linked: Linked, name: string): string {
  if (linked.via === "entry") return `its SDD spec ${name}`;
  if (linked.via === "document") return `SDD spec ${name} (named by its work-item document)`;
  return `SDD spec ${name} (whose work_item_spec is its work-item document)`;
}

/** The checkbox against the linked spec's state, and against the work-item document's Status. */
function checkLinkedState(ctx: ItemContext): void {
  const { item, report, options } = ctx;
  const linked = linkedSpec(ctx);
  let reported = false;
  if (linked !== undefined) {
    const { spec, target, field } = linked;
    const name = spec.id ?? target;
    const counts = spec.total === undefined ? "" : ` (${spec.completed ?? 0}/${spec.total} tasks, ${spec.folder || "?"}/)`;
    if (item.state === "done" && !spec.complete) {
      reported = true;
      if (spec.total === 0)
        report(
          "log-spec-no-work",
          { field },
          `"${item.title}" is done but ${linkPhrase(linked, name)} holds no work (no task, subtask or verify step): nothing in it shows the work was done`,
        );
      else
        report(
          "log-spec-incomplete",
          { field },
          `"${item.title}" is done but ${linkPhrase(linked, name)} is not complete${counts}: finish and complete the spec, or uncheck the entry`,
        );
    }
    if (item.state === "open" && spec.complete && spec.folder === "completed") {
      reported = true;
      report(
        "log-spec-complete-open",
        { field },
        `"${item.title}" is open but ${linkPhrase(linked, name)} is complete and in completed/: check the entry or reopen the spec`,
      );
    }
  }
  if (reported || options.workItemDoc === undefined) return;
  const specAt = indexOfKey(item, "Spec");
  const doc = specAt < 0 ? undefined : linkTarget(fieldValue(item, "Spec") ?? "");
  const status = doc === undefined ? undefined : options.workItemDoc(doc)?.status?.trim();
  if (status === undefined) return;
  const docState = DOC_DONE.test(status) ? "done" : DOC_OPEN.test(status) ? "open" : undefined;
  if (docState !== undefined && docState !== item.state)
    report(
      "log-doc-status",
      { field: specAt, value: true },
      `"${item.title}" is ${item.state === "done" ? "checked [x]" : "unchecked [ ]"} but its work-item document ${doc} says Status: ${status}`,
    );
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
