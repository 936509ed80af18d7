/**
 * Parsing the markdown work-item log (docs/worklog.md) into blocks. Every line of the file
 * belongs to exactly one block, so nothing is silently dropped: entries (current or older
 * format), headings, and "other" blocks (blank runs, prose, free-form bullets, fenced code,
 * checkboxes that are not entries). Pure: text in, data out.
 */

/** One `#`-style heading an entry or block sits under. */
export interface HeadingRef {
  level: number;
  text: string;
  /** 1-based line number of the heading. */
  line: number;
}

/** One `Key: value` line of an entry (`**Key**: value` in the older format), with nested lines. */
export interface ParsedField {
  key: string;
  value: string;
  /** Nested lines under the field, without the 4-space indent and without a leading "- ". */
  children: string[];
  /** 1-based line number of the field line. */
  line: number;
  /** The key was written in bold (`**Owner**:`), as in the older format. */
  bold: boolean;
}

export type EntryFormat = "current" | "legacy";

/** A work-item entry: `- [x] **[TAG]…** Title` and the indented lines below it. */
export interface EntryBlock {
  kind: "entry";
  /** `current`: only `  - Key: value` field lines and nested lines; `legacy`: anything else (docs/worklog.md). */
  format: EntryFormat;
  checked: boolean;
  /** The checkbox character as written: " ", "x" or "X". */
  mark: " " | "x" | "X";
  tags: string[];
  title: string;
  /** 1-based line of the head line. */
  line: number;
  /** 1-based line of the entry's last line (inclusive). */
  endLine: number;
  /** Current format: every field. Legacy format: the trailing run of bold `**Key**: value` fields. */
  fields: ParsedField[];
  /** Legacy format only: the body lines before the trailing bold fields, verbatim (blank lines as ""). */
  notes: string[];
  /** Enclosing headings, outermost first. */
  headings: HeadingRef[];
  /** The entry's lines as written (head line first). */
  lines: string[];
}

export interface HeadingBlock {
  kind: "heading";
  level: number;
  text: string;
  line: number;
  endLine: number;
  lines: string[];
  /** Enclosing headings (of a lower level), outermost first. */
  headings: HeadingRef[];
}

/** Anything that is not an entry or a heading: `blank` lines, `text` (a paragraph, bullets), fenced `code`. */
export interface OtherBlock {
  kind: "other";
  role: "blank" | "text" | "code";
  line: number;
  endLine: number;
  lines: string[];
  headings: HeadingRef[];
}

export type LogBlock = EntryBlock | HeadingBlock | OtherBlock;

export interface ParsedLog {
  /** The file's lines without line terminators. */
  lines: string[];
  eol: "\n" | "\r\n";
  finalNewline: boolean;
  /** Blocks in file order; together they cover every line exactly once. */
  blocks: LogBlock[];
}

/** The entry head line. Tags are `[...]` groups inside one bold span; the title is the rest of the line. */
export const ENTRY_HEAD = /^- \[([ xX])\] \*\*((?:\[[^[\]]+\])+)\*\*[ \t]*(.*)$/;
/** A current-format field line: two-space indent, dash, a key starting with a letter, a colon. */
const FIELD_LINE = /^ {2}- (\p{L}[^`:*\n]{0,79}?(?<!\s)):(?: (.*))?$/u;
/** An older-format field line with a bold key. */
const BOLD_FIELD_LINE = /^ {2}- \*\*([^\s*:`](?:[^*:`\n]{0,78}[^\s*:`])?)\*\*:(?: (.*))?$/;
const NESTED_LINE = /^(?: {4}|\t)/;
const HEADING = /^(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Split text into lines, remembering the line terminator and the final newline. */
export function splitLines(text: string): { lines: string[]; eol: "\n" | "\r\n"; finalNewline: boolean } {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const finalNewline = lines.length > 1 && lines[lines.length - 1] === "";
  if (finalNewline || text === "") lines.pop();
  return { lines, eol, finalNewline };
}

function isBlank(line: string): boolean {
  return line.trim() === "";
}

function isIndented(line: string): boolean {
  return line.startsWith(" ") || line.startsWith("\t");
}

/** The nested-line text stored for a field child: without the 4-space indent and a "- " marker. */
export function childText(line: string): string {
  const rest = line.startsWith("\t") ? line.slice(1) : line.slice(4);
  return rest.startsWith("- ") ? rest.slice(2) : rest;
}

/** The line a field child renders to (the inverse of childText for canonical lines). */
export function childLine(child: string): string {
  return /^\s/.test(child) ? `    ${child}` : `    - ${child}`;
}

/** Parse one head line into its parts, or undefined when it is not an entry head. */
export function parseEntryHead(line: string): { mark: " " | "x" | "X"; tags: string[]; title: string } | undefined {
  const m = ENTRY_HEAD.exec(line);
  if (m === null) return undefined;
  const title = (m[3] ?? "").trim();
  if (title === "") return undefined;
  const tags = (m[2] ?? "").slice(1, -1).split("][");
  return { mark: m[1] as " " | "x" | "X", tags, title };
}

/** Parse a `  - Key: value` line (plain key). */
export function parseFieldLine(line: string): { key: string; value: string } | undefined {
  const m = FIELD_LINE.exec(line);
  return m === null ? undefined : { key: m[1] ?? "", value: m[2] ?? "" };
}

function parseBoldFieldLine(line: string): { key: string; value: string } | undefined {
  const m = BOLD_FIELD_LINE.exec(line);
  return m === null ? undefined : { key: m[1] ?? "", value: m[2] ?? "" };
}

/** Index just past the entry's body: indented lines, and blank lines followed by an indented line. */
function bodyEnd(lines: string[], start: number): number {
  let j = start;
  while (j < lines.length) {
    const line = lines[j] ?? "";
    if (isBlank(line)) {
      let k = j;
      while (k < lines.length && isBlank(lines[k] ?? "")) k++;
      if (k < lines.length && isIndented(lines[k] ?? "")) {
        j = k;
        continue;
      }
      break;
    }
    if (!isIndented(line)) break;
    j++;
  }
  return j;
}

/** Fields of a current-format body, or undefined when the body is not in the current format. */
function currentFields(body: string[], firstLine: number): ParsedField[] | undefined {
  const fields: ParsedField[] = [];
  for (let i = 0; i < body.length; i++) {
    const line = body[i] ?? "";
    if (isBlank(line)) continue;
    const f = parseFieldLine(line);
    if (f !== undefined) {
      fields.push({ ...f, children: [], line: firstLine + i, bold: false });
      continue;
    }
    const last = fields[fields.length - 1];
    if (NESTED_LINE.test(line) && last !== undefined) {
      last.children.push(childText(line));
      continue;
    }
    return undefined;
  }
  return fields;
}

/** Legacy body: the trailing run of bold fields (with nested lines) becomes fields, the rest notes. */
function legacyParts(body: string[], firstLine: number): { fields: ParsedField[]; notes: string[] } {
  let start = body.length;
  // Walk back over nested lines and bold fields; stop at anything else.
  let i = body.length - 1;
  while (i >= 0) {
    const line = body[i] ?? "";
    if (NESTED_LINE.test(line) && !isBlank(line)) {
      i--;
      continue;
    }
    if (parseBoldFieldLine(line) !== undefined) {
      start = i;
      i--;
      continue;
    }
    break;
  }
  const fields: ParsedField[] = [];
  for (let k = start; k < body.length; k++) {
    const line = body[k] ?? "";
    const f = parseBoldFieldLine(line);
    if (f !== undefined) fields.push({ ...f, children: [], line: firstLine + k, bold: true });
    else fields[fields.length - 1]?.children.push(childText(line));
  }
  return { fields, notes: body.slice(0, start) };
}

/** Parse a markdown log into blocks (see the module comment). */
export function parseLog(text: string): ParsedLog {
  const { lines, eol, finalNewline } = splitLines(text);
  const blocks: LogBlock[] = [];
  const stack: HeadingRef[] = [];
  let i = 0;
  const other = (role: OtherBlock["role"], from: number, to: number): void => {
    blocks.push({ kind: "other", role, line: from + 1, endLine: to, lines: lines.slice(from, to), headings: [...stack] });
  };
  while (i < lines.length) {
    const line = lines[i] ?? "";
    const fence = FENCE.exec(line);
    if (fence !== null) {
      const marker = fence[1] ?? "```";
      let j = i + 1;
      while (j < lines.length && !(lines[j] ?? "").trimStart().startsWith(marker)) j++;
      const end = Math.min(j + 1, lines.length);
      other("code", i, end);
      i = end;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading !== null) {
      const level = (heading[1] ?? "#").length;
      const text = (heading[2] ?? "").replace(/[ \t]+#+$/, "");
      while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= level) stack.pop();
      blocks.push({ kind: "heading", level, text, line: i + 1, endLine: i + 1, lines: [line], headings: [...stack] });
      stack.push({ level, text, line: i + 1 });
      i++;
      continue;
    }
    const head = parseEntryHead(line);
    if (head !== undefined) {
      const end = bodyEnd(lines, i + 1);
      const body = lines.slice(i + 1, end);
      const current = currentFields(body, i + 2);
      const parts = current === undefined ? legacyParts(body, i + 2) : { fields: current, notes: [] };
      blocks.push({
        kind: "entry",
        format: current === undefined ? "legacy" : "current",
        checked: head.mark !== " ",
        mark: head.mark,
        tags: head.tags,
        title: head.title,
        line: i + 1,
        endLine: end,
        fields: parts.fields,
        notes: parts.notes,
        headings: [...stack],
        lines: lines.slice(i, end),
      });
      i = end;
      continue;
    }
    // Other content: a run of blank lines, or a run of non-blank lines up to a blank line,
    // a heading, a fence or an entry head.
    let j = i + 1;
    if (isBlank(line)) {
      while (j < lines.length && isBlank(lines[j] ?? "")) j++;
      other("blank", i, j);
    } else {
      while (j < lines.length) {
        const next = lines[j] ?? "";
        if (isBlank(next) || FENCE.test(next) || HEADING.test(next) || parseEntryHead(next) !== undefined) break;
        j++;
      }
      other("text", i, j);
    }
    i = j;
  }
  return { lines, eol, finalNewline, blocks };
}

/** The entry blocks of a parsed log, in file order. */
export function logEntries(log: ParsedLog): EntryBlock[] {
  return log.blocks.filter((b): b is EntryBlock => b.kind === "entry");
}
