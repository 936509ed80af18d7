/**
 * Writing a changed JSON value back into its own text: only the changed values are
 * rewritten, every other byte (indentation, inline or broken arrays and objects, spacing,
 * key order, escapes, number lexemes, newlines) stays as it was, so a diff shows exactly
 * what changed. New members and items take the layout of their siblings.
 *
 * The text is walked only along the paths that changed (the patch from the old value to
 * the new one says which); everything beside them is skipped over, not parsed.
 */
import jsonpatch from "fast-json-patch";
import { escapePointerToken } from "../pointer.js";
import type { JsonStyle } from "./style.js";
import { isWs, NotEditable, TextReader, type Item, type Member } from "./text-reader.js";
import { serializeJson } from "./write.js";

/** A change between the old and the new value, as an RFC 6902 operation names it. */
export interface ChangedPath {
  op: string;
  path: string;
}

const NON_ASCII = /[\u0080-\uffff]/g;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

class Editor extends TextReader {
  /** Every changed path and every prefix of one: the walk descends only into these. */
  private readonly onPath = new Set<string>();
  private inlineArrays: boolean | undefined;

  constructor(
    text: string,
    private readonly style: JsonStyle,
    changes: readonly ChangedPath[],
    private readonly lexemes?: ReadonlyMap<string, string>,
  ) {
    super(text);
    for (const c of changes) {
      let p = c.path;
      for (;;) {
        if (this.onPath.has(p)) break;
        this.onPath.add(p);
        if (p === "") break;
        p = p.slice(0, p.lastIndexOf("/"));
      }
    }
  }

  /** Whether the text writes some non-empty array of plain values on one line (prettier does). */
  private hasInlineArrays(): boolean {
    this.inlineArrays ??= /":\s*\[[ \t]*(?:"|-?\d|true|false|null)[^\n]*\],?\r?$/m.test(this.text);
    return this.inlineArrays;
  }

  private str(s: string): string {
    const out = JSON.stringify(s);
    return this.style.asciiOnly ? out.replace(NON_ASCII, (ch) => "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0")) : out;
  }

  /**
   * The raw texts to write for the numbers and strings of a new value at `pointer`, by
   * pointer within it: what the caller asked to be restored exactly (undo puts back the
   * lexemes of the state it returns to, so `1.0` stays `1.0`).
   */
  private lexemesBelow(pointer: string): ReadonlyMap<string, string> | undefined {
    if (this.lexemes === undefined || this.lexemes.size === 0) return undefined;
    let out: Map<string, string> | undefined;
    for (const [p, raw] of this.lexemes) {
      if (p === pointer || (p.startsWith(pointer) && p.charCodeAt(pointer.length) === 47))
        (out ??= new Map()).set(p.slice(pointer.length), raw);
    }
    return out;
  }

  /**
   * A new value: on one line where its container is written on one line, else broken over
   * lines with `unit` per level below `indent` (the indentation of the line it starts on).
   */
  private fresh(value: unknown, indent: string, unit: string | null, pointer: string): string {
    const style: JsonStyle = { ...this.style, finalNewline: false, bom: false };
    const raw = this.lexemesBelow(pointer);
    // On one line: with the file's own separators when the whole file is on one line, else
    // with spaces (an inline container in an indented file).
    if (unit === null)
      return serializeJson(
        value,
        { ...style, indent: null, compactSpaces: this.style.indent === null ? this.style.compactSpaces : true },
        raw,
      );
    if (typeof value !== "object" || value === null) return serializeJson(value, { ...style, indent: null }, raw);
    const out = serializeJson(value, { ...style, indent: unit }, raw);
    return indent === "" ? out : out.replaceAll(this.style.eol, this.style.eol + indent);
  }

  /** The new text of the value at [start, end) of the old text, which held `before` and must hold `after`. */
  rewrite(pointer: string, before: unknown, after: unknown, start: number, end: number): string {
    if (!this.onPath.has(pointer)) return this.text.slice(start, end);
    if (isPlainObject(before) && isPlainObject(after)) return this.object(pointer, before, after, start);
    if (Array.isArray(before) && Array.isArray(after)) return this.array(pointer, before, after, start);
    if (deepEqual(before, after)) return this.text.slice(start, end);
    const indent = this.lineIndent(start);
    return this.fresh(after, indent, this.style.indent === null ? null : (this.style.indent ?? "  "), pointer);
  }

  /**
   * The layout of a container's entries from its own text: the separator between two
   * entries, the indentation of an entry and one level of indentation; null `unit` when
   * it is written on one line.
   */
  private layout(open: number, starts: number[], ends: number[]): { sep: string; indent: string; unit: string | null } {
    const t = this.text;
    const outer = this.lineIndent(open);
    const first = starts[0];
    if (first === undefined) {
      // An empty container: broken over lines like the file, one level below its line.
      const unit = this.style.indent;
      if (unit === null) return { sep: this.style.compactSpaces ? ", " : ",", indent: "", unit: null };
      return { sep: "," + this.style.eol + outer + unit, indent: outer + unit, unit };
    }
    const lead = t.slice(open + 1, first);
    if (!lead.includes("\n")) {
      const sep = starts.length > 1 ? t.slice(ends[0], starts[1]) : this.style.indent === null && !this.style.compactSpaces ? "," : ", ";
      return { sep, indent: outer, unit: null };
    }
    const indent = lead.slice(lead.lastIndexOf("\n") + 1);
    const unit = indent.startsWith(outer) && indent.length > outer.length ? indent.slice(outer.length) : (this.style.indent ?? "  ");
    const sep = starts.length > 1 ? t.slice(ends[0], starts[1]) : "," + this.style.eol + indent;
    return { sep, indent, unit };
  }

  private object(pointer: string, before: Record<string, unknown>, after: Record<string, unknown>, open: number): string {
    const t = this.text;
    const { members, close } = this.members(open);
    // The kept members; `value` is the new text of a changed one (none for an unchanged one).
    const kept: { m: number; value?: string }[] = [];
    let removed = false;
    for (let n = 0; n < members.length; n++) {
      const m = members[n] as Member;
      const value = after[m.key];
      if (!Object.hasOwn(after, m.key) || value === undefined) {
        removed = true;
        continue;
      }
      const child = pointer + "/" + escapePointerToken(m.key);
      if (!this.onPath.has(child)) kept.push({ m: n });
      else kept.push({ m: n, value: this.rewrite(child, before[m.key], value, m.valueStart, m.valueEnd) });
    }
    const added: [string, unknown][] = [];
    for (const k of Object.keys(after)) if (!Object.hasOwn(before, k) && after[k] !== undefined) added.push([k, after[k]]);
    if (!removed && added.length === 0) {
      // Only values changed: splice them into the text between the members.
      let out = "";
      let at = open;
      for (const k of kept) {
        if (k.value === undefined) continue;
        const m = members[k.m] as Member;
        out += t.slice(at, m.valueStart) + k.value;
        at = m.valueEnd;
      }
      return out + t.slice(at, close + 1);
    }
    const { sep, indent, unit } = this.layout(
      open,
      members.map((m) => m.keyStart),
      members.map((m) => m.valueEnd),
    );
    // An empty object has no member to copy the separator from: the file's style says.
    const keySep =
      members[0] === undefined
        ? this.style.indent === null && !this.style.compactSpaces
          ? ":"
          : ": "
        : t.slice(members[0].keyEnd, members[0].valueStart);
    const parts = kept.map((k) => {
      const m = members[k.m] as Member;
      return { n: k.m, text: t.slice(m.keyStart, k.value === undefined ? m.valueEnd : m.valueStart) + (k.value ?? "") };
    });
    for (const [k, v] of added)
      parts.push({ n: -1, text: this.str(k) + keySep + this.fresh(v, indent, unit, pointer + "/" + escapePointerToken(k)) });
    return this.assemble(open, close, "{", "}", members, parts, sep, indent, unit);
  }

  private array(pointer: string, before: unknown[], after: unknown[], open: number): string {
    const t = this.text;
    const { items, close } = this.items(open);
    // Which old item each new one continues: equal ends, and index by index in between.
    const min = Math.min(before.length, after.length);
    let head = 0;
    if (before.length === after.length) head = min;
    else while (head < min && (!this.onPath.has(pointer + "/" + head) || deepEqual(before[head], after[head]))) head++;
    let tail = 0;
    while (tail < min - head && deepEqual(before[before.length - 1 - tail], after[after.length - 1 - tail])) tail++;
    const parts: { n: number; text: string }[] = [];
    const keep = (oldIdx: number, newIdx: number): void => {
      const it = items[oldIdx] as Item;
      const text =
        oldIdx === newIdx
          ? this.rewrite(pointer + "/" + oldIdx, before[oldIdx], after[newIdx], it.start, it.end)
          : deepEqual(before[oldIdx], after[newIdx])
            ? t.slice(it.start, it.end)
            : undefined;
      parts.push({ n: oldIdx, text: text ?? this.freshItem(after[newIdx], open, items, pointer + "/" + newIdx) });
    };
    for (let i = 0; i < head; i++) keep(i, i);
    const midOld = before.length - tail - head;
    const midNew = after.length - tail - head;
    const paired = Math.min(midOld, midNew);
    for (let i = head; i < head + paired; i++) keep(i, i);
    for (let i = head + paired; i < after.length - tail; i++)
      parts.push({ n: -1, text: this.freshItem(after[i], open, items, pointer + "/" + i) });
    for (let i = 0; i < tail; i++) keep(before.length - tail + i, after.length - tail + i);
    if (midOld === midNew) {
      let out = "";
      let at = open;
      for (const p of parts) {
        const it = items[p.n] as Item;
        out += t.slice(at, it.start) + p.text;
        at = it.end;
      }
      return out + t.slice(at, close + 1);
    }
    const { sep, indent, unit } = this.arrayLayout(open, items, after);
    return this.assemble(
      open,
      close,
      "[",
      "]",
      items.map((i) => ({ keyStart: i.start, valueEnd: i.end })),
      parts,
      sep,
      indent,
      unit,
    );
  }

  private arrayLayout(open: number, items: Item[], after: unknown[]): { sep: string; indent: string; unit: string | null } {
    if (items.length === 0 && this.style.indent !== null) {
      // An empty array that gets plain values: on one line when the file writes such arrays so.
      const plain = after.every((v) => typeof v !== "object" || v === null);
      if (plain && this.hasInlineArrays()) return { sep: ", ", indent: "", unit: null };
    }
    return this.layout(
      open,
      items.map((i) => i.start),
      items.map((i) => i.end),
    );
  }

  private freshItem(value: unknown, open: number, items: Item[], pointer: string): string {
    const { indent, unit } = this.layout(
      open,
      items.map((i) => i.start),
      items.map((i) => i.end),
    );
    return this.fresh(value, indent, unit, pointer);
  }

  /**
   * A container's text from its entries (`n` the old index of a kept entry, -1 for a new
   * one): the old text between two entries that were neighbours before, `sep` elsewhere,
   * and the old text after `open` and before `close`.
   */
  private assemble(
    open: number,
    close: number,
    opener: string,
    closer: string,
    old: readonly { keyStart: number; valueEnd: number }[],
    parts: readonly { n: number; text: string }[],
    sep: string,
    indent: string,
    unit: string | null,
  ): string {
    const t = this.text;
    if (parts.length === 0) return opener + closer;
    const first = old[0];
    const last = old[old.length - 1];
    let out = opener;
    if (first !== undefined && last !== undefined) out += t.slice(open + 1, first.keyStart);
    else if (unit !== null) out += this.style.eol + indent;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as { n: number; text: string };
      if (i > 0) {
        const prev = parts[i - 1] as { n: number; text: string };
        const a = old[prev.n];
        const b = old[p.n];
        out += prev.n >= 0 && p.n === prev.n + 1 && a !== undefined && b !== undefined ? t.slice(a.valueEnd, b.keyStart) : sep;
      }
      out += p.text;
    }
    if (first !== undefined && last !== undefined) out += t.slice(last.valueEnd, close);
    else if (unit !== null) out += this.style.eol + this.lineIndent(open);
    return out + closer;
  }
}

/**
 * The text of `after`, written into `text` (which holds `before`) by editing only what
 * `changes` (the patch from `before` to `after`) touches; undefined when the text cannot
 * be edited in place, for the caller to serialise the whole value instead.
 */
export function editJson(
  text: string,
  before: unknown,
  after: unknown,
  changes: readonly ChangedPath[],
  style: JsonStyle,
  lexemes?: ReadonlyMap<string, string>,
): string | undefined {
  if (changes.length === 0) return text;
  const editor = new Editor(text, style, changes, lexemes);
  let start = 0;
  while (isWs(text.charCodeAt(start))) start++;
  let end = text.length;
  while (end > start && isWs(text.charCodeAt(end - 1))) end--;
  try {
    return text.slice(0, start) + editor.rewrite("", before, after, start, end) + text.slice(end);
  } catch (err) {
    if (err instanceof NotEditable) return undefined;
    throw err;
  }
}

/** A file's text as read, with what a write needs to keep its form. */
export interface EditableText {
  /** The text without a byte order mark. */
  text: string;
  bom: boolean;
  style: JsonStyle;
}

/**
 * The file's new bytes for `after` (the file held `before`), by editing its text in place;
 * undefined when that cannot be done or would not read back as `after`, for the caller to
 * serialise the whole value instead. `patch`: the changes from `before` to `after`, when
 * the caller has them. `lexemes`: raw texts (by pointer) for the new numbers and strings
 * that must be written as they were somewhere else (undo: in the state it restores).
 */
export function rewriteJson(
  file: EditableText,
  before: unknown,
  after: unknown,
  patch?: readonly ChangedPath[],
  lexemes?: ReadonlyMap<string, string>,
): string | undefined {
  const changes = patch ?? jsonpatch.compare(before as object, after as object);
  const edited = editJson(file.text, before, after, changes, file.style, lexemes);
  // The edit is checked by reading it back: a write must never store what was not meant.
  if (edited === undefined || !deepEqual(JSON.parse(edited), after)) return undefined;
  return file.bom ? "\ufeff" + edited : edited;
}
