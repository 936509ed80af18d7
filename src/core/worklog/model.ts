/**
 * The work item (schemas/work-item.schema.json) and its conversion to and from log entries.
 * An imported entry renders back to its original lines byte for byte whenever it is in the
 * canonical layout; where it is not, importLog (import.ts) says so (log-layout) instead of
 * changing it silently. Pure: no filesystem, the current date comes in as a parameter.
 */
import { createHash } from "node:crypto";
import { UsageError } from "../errors.js";
import { childLine } from "./parse.js";

export const WORK_ITEM_SCHEMA_VERSION = 1;

/** One `Key: value` line of an entry, with the text of any nested sub-bullets. */
export interface WorkItemField {
  key: string;
  value: string;
  children?: string[];
}

/** A work item, as stored in its JSON file (one file per item). */
export interface WorkItem {
  $schema?: string;
  schema_version: 1;
  id: string;
  state: "open" | "done";
  tags: string[];
  title: string;
  section?: string;
  /** "legacy" renders the older layout (`**Key**: value`, notes first); absent means current. */
  format?: "current" | "legacy";
  /** Older format only: body lines before the fields, verbatim ("" for a blank line). */
  notes?: string[];
  fields: WorkItemField[];
}

/** Well-known keys in their usual order; setField inserts a missing key at this position. */
export const CANONICAL_KEYS = [
  "Spec",
  "SDD Spec",
  "Owner",
  "Branch",
  "Started",
  "Done",
  "Summary",
  "Tests",
  "Risks",
  "Next",
  "Blocker",
] as const;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for an absolute calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** The first field with this key (keys are case-sensitive), or undefined. */
export function getField(item: Pick<WorkItem, "fields">, key: string): WorkItemField | undefined {
  return item.fields.find((f) => f.key === key);
}

/** The trimmed value of the first field with this key, or undefined when absent or empty. */
export function fieldValue(item: Pick<WorkItem, "fields">, key: string): string | undefined {
  const v = getField(item, key)?.value.trim();
  return v === undefined || v === "" ? undefined : v;
}

/** An open item is blocked when it has a non-empty Blocker field. */
export function isBlocked(item: Pick<WorkItem, "fields">): boolean {
  return fieldValue(item, "Blocker") !== undefined;
}

/** The item's date: Done for done items (else Started), Started for open ones (else Done); only valid dates count. */
export function itemDate(item: Pick<WorkItem, "state" | "fields">): string | undefined {
  const order = item.state === "done" ? ["Done", "Started"] : ["Started", "Done"];
  for (const key of order) {
    const v = fieldValue(item, key);
    if (v !== undefined && isIsoDate(v)) return v;
  }
  return undefined;
}

/**
 * The target of a link field (Spec, SDD Spec): the content of its first inline code span,
 * else the trimmed value. Undefined for an empty value.
 */
export function linkTarget(value: string): string | undefined {
  const code = /`([^`]+)`/.exec(value);
  const target = (code?.[1] ?? value).trim();
  return target === "" ? undefined : target;
}

function rankOf(key: string): number {
  return (CANONICAL_KEYS as readonly string[]).indexOf(key);
}

/**
 * A copy of the item with the field set: an existing key keeps its place (and its nested
 * lines unless `children` is given); a missing well-known key goes to its CANONICAL_KEYS
 * position among the fields present; any other key is appended.
 */
export function setField(item: WorkItem, key: string, value: string, children?: string[]): WorkItem {
  const fields = item.fields.map((f) => ({ ...f }));
  const field: WorkItemField = children === undefined || children.length === 0 ? { key, value } : { key, value, children };
  const at = fields.findIndex((f) => f.key === key);
  if (at >= 0) {
    const old = fields[at];
    fields[at] = children === undefined && old?.children !== undefined ? { key, value, children: old.children } : field;
    return { ...item, fields };
  }
  const rank = rankOf(key);
  let index = fields.length;
  if (rank >= 0) {
    const lower = fields.map((f) => rankOf(f.key)).reduce((acc, r, i) => (r >= 0 && r < rank ? i : acc), -1);
    const higher = fields.findIndex((f) => rankOf(f.key) > rank);
    index = lower >= 0 ? lower + 1 : higher >= 0 ? higher : fields.length;
  }
  fields.splice(index, 0, field);
  return { ...item, fields };
}

/** A copy of the item without any field of this key. */
export function removeField(item: WorkItem, key: string): WorkItem {
  return { ...item, fields: item.fields.filter((f) => f.key !== key) };
}

/** A copy of the item checked off: state done and a Done date (Started is kept). */
export function markDone(item: WorkItem, date: string): WorkItem {
  if (!isIsoDate(date)) throw new UsageError(`done date ${JSON.stringify(date)} is not a YYYY-MM-DD date`);
  return setField({ ...item, state: "done" }, "Done", date);
}

/**
 * Latin spellings of letters that do not decompose to ASCII: Cyrillic (Russian, Ukrainian,
 * Belarusian; a simple practical romanisation), Greek, and a few Latin letters without a
 * decomposition. Lower-case keys; other scripts are left to the `item` fallback.
 */
// prettier-ignore
const TRANSLITERATION: Readonly<Record<string, string>> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "yo", ж: "zh", з: "z", и: "i", й: "y",
  к: "k", л: "l", м: "m", н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f",
  х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch", ъ: "", ы: "y", ь: "", э: "e", ю: "yu", я: "ya",
  і: "i", ї: "yi", є: "ye", ґ: "g", ў: "u",
  α: "a", β: "v", γ: "g", δ: "d", ε: "e", ζ: "z", η: "i", θ: "th", ι: "i", κ: "k", λ: "l",
  μ: "m", ν: "n", ξ: "x", ο: "o", π: "p", ρ: "r", σ: "s", ς: "s", τ: "t", υ: "y", φ: "f",
  χ: "ch", ψ: "ps", ω: "o",
  ß: "ss", æ: "ae", œ: "oe", ø: "o", ł: "l", đ: "d", ð: "d", þ: "th", ı: "i",
};

function transliterate(text: string): string {
  let out = "";
  for (const c of text.normalize("NFC").toLowerCase()) {
    const direct = TRANSLITERATION[c];
    if (direct !== undefined) {
      out += direct;
      continue;
    }
    // Accented letters: their base letter, spelled in Latin when the table knows it.
    for (const d of c.normalize("NFKD").replace(/\p{M}+/gu, "")) out += TRANSLITERATION[d] ?? d;
  }
  return out;
}

/** Lower-case ASCII slug of a title (transliterated), cut at a word boundary to at most `max` characters ("item" if empty). */
export function slugifyTitle(title: string, max = 32): string {
  const slug = transliterate(title)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= max) return slug === "" ? "item" : slug;
  const cut = slug.slice(0, max + 1);
  const dash = cut.lastIndexOf("-");
  const short = (dash > 0 ? cut.slice(0, dash) : slug.slice(0, max)).replace(/-+$/, "");
  return short === "" ? "item" : short;
}

/**
 * The id rule (docs/worklog.md): `<date>-<slug>-<hash>` where date is the Done date, else
 * the Started date, else `today`; slug is slugifyTitle(title); hash is the first 4 hex digits
 * of sha256(title + "\n" + first field as "Key: value"). Computed once when an item is
 * created or imported and then stored, so later edits never change it.
 */
export function deriveWorkItemId(item: Pick<WorkItem, "title" | "fields">, today: string): string {
  if (!isIsoDate(today)) throw new UsageError(`today ${JSON.stringify(today)} is not a YYYY-MM-DD date`);
  const date = fieldValue(item, "Done") ?? fieldValue(item, "Started");
  const day = date !== undefined && isIsoDate(date) ? date : today;
  const first = item.fields[0];
  const seed = `${item.title}\n${first === undefined ? "" : `${first.key}: ${first.value}`}`;
  const hash = createHash("sha256").update(seed, "utf8").digest("hex").slice(0, 4);
  return `${day}-${slugifyTitle(item.title)}-${hash}`;
}

/** `id`, or `id-2`, `id-3`, … : the first one not in `taken`. */
export function uniqueId(id: string, taken: ReadonlySet<string>): string {
  if (!taken.has(id)) return id;
  let n = 2;
  while (taken.has(`${id}-${n}`)) n++;
  return `${id}-${n}`;
}

export interface NewWorkItem {
  title: string;
  tags?: string[];
  state?: "open" | "done";
  fields?: WorkItemField[];
  section?: string;
}

/**
 * A new item (for `sdd log add`): fields in the given order, a missing Started (open) or
 * Done (done) set to `today` at its canonical position, and a fresh id (deriveWorkItemId,
 * made unique against `existingIds`).
 */
export function createWorkItem(init: NewWorkItem, options: { today: string; existingIds?: Iterable<string> }): WorkItem {
  let item: WorkItem = {
    schema_version: 1,
    id: "draft",
    state: init.state ?? "open",
    tags: [...(init.tags ?? [])],
    title: init.title.trim(),
    fields: (init.fields ?? []).map((f) => ({ ...f })),
  };
  if (init.section !== undefined) item.section = init.section;
  const dateKey = item.state === "done" ? "Done" : "Started";
  if (fieldValue(item, dateKey) === undefined) item = setField(item, dateKey, options.today);
  const id = uniqueId(deriveWorkItemId(item, options.today), new Set(options.existingIds ?? []));
  return { ...item, id };
}

const KEY_ORDER = ["$schema", "schema_version", "id", "state", "tags", "title", "section", "format", "notes", "fields"] as const;

/** The item as JSON file text: keys in schema order, 2-space indent, final newline (stable bytes for a diff). */
export function workItemJson(item: WorkItem): string {
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) if (item[key] !== undefined) ordered[key] = item[key];
  ordered.fields = item.fields.map((f) =>
    f.children === undefined ? { key: f.key, value: f.value } : { key: f.key, value: f.value, children: f.children },
  );
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** The head line of an entry: `- [x] **[A][B]** Title` (`- [ ] Title` when there are no tags). */
export function entryHeadLine(item: Pick<WorkItem, "state" | "tags" | "title">): string {
  const box = item.state === "done" ? "- [x]" : "- [ ]";
  if (item.tags.length === 0) return `${box} ${item.title}`;
  return `${box} **${item.tags.map((t) => `[${t}]`).join("")}** ${item.title}`;
}

/** The lines of one field: `  - Key: value` (`  - **Key**: value` in the legacy layout) and its nested lines. */
export function fieldLines(field: WorkItemField, legacy = false): string[] {
  const key = legacy ? `**${field.key}**` : field.key;
  const head = field.value === "" ? `  - ${key}:` : `  - ${key}: ${field.value}`;
  return [head, ...(field.children ?? []).map(childLine)];
}

/** Render one item as entry lines (no trailing blank line), in the current or legacy layout. */
export function workItemToEntryLines(item: WorkItem): string[] {
  const legacy = item.format === "legacy";
  const lines = [entryHeadLine(item)];
  if (legacy) lines.push(...(item.notes ?? []));
  for (const f of item.fields) lines.push(...fieldLines(f, legacy));
  return lines;
}

/**
 * A Risks value split into a level and a reason: `Medium (touches billing); mitigated by X`
 * gives level "Medium" and reason "touches billing" (the first parenthesised group right after
 * the level). Free prose has neither; `text` is always the trimmed value.
 */
export function parseRisks(value: string): { level?: string; reason?: string; text: string } {
  const text = value.trim();
  const m = /^(N\/A|None|Low-Medium|Medium-High|Low|Medium|High)(?![\w-])\s*/i.exec(text);
  if (m === null) return { text };
  const level = m[1] ?? "";
  const rest = text.slice(m[0].length);
  if (!rest.startsWith("(")) return rest === "" || /^[.;,]/.test(rest) ? { level, text } : { text };
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "(") depth++;
    else if (rest[i] === ")" && --depth === 0) return { level, reason: rest.slice(1, i), text };
  }
  return { level, text };
}

/** A log template (`_template.md`): its entries are placeholders, never imported or linted as entries. */
export function isTemplateFile(path: string): boolean {
  return /^_?template\.md$/i.test(path.replace(/^.*[\\/]/, ""));
}
