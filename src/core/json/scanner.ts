/**
 * The scanner: one pass over a JSON text that records what it is asked for (the offset of
 * every value and key, duplicate keys, the raw text of numbers and strings a serialiser
 * would write otherwise) and names the exact line and column of a syntax error.
 */
import { DataError } from "../errors.js";
import { escapePointerToken } from "../pointer.js";

export interface Position {
  line: number;
  column: number;
  offset: number;
}

export interface DuplicateKey {
  pointer: string;
  key: string;
  offset: number;
}

export interface SourceIndex {
  /** Offset of each value, by JSON pointer. */
  valueOffsets: Map<string, number>;
  /** Offset of each member's key, by the member's JSON pointer. */
  keyOffsets: Map<string, number>;
  duplicates: DuplicateKey[];
  /** Raw text of numbers and strings whose canonical serialisation would differ. */
  rawLexemes: Map<string, string>;
}

/** What a scan records (everything it does not record costs nothing). */
export interface ScanWants {
  /** valueOffsets and keyOffsets of every value and member. */
  offsets: boolean;
  duplicates: boolean;
  rawLexemes: boolean;
}

export const WANT_ALL: ScanWants = { offsets: true, duplicates: true, rawLexemes: true };
export const WANT_NOTHING: ScanWants = { offsets: false, duplicates: false, rawLexemes: false };
export const WANT_DUPLICATES: ScanWants = { offsets: false, duplicates: true, rawLexemes: false };
export const WANT_LEXEMES: ScanWants = { offsets: false, duplicates: false, rawLexemes: true };

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

export function offsetToPosition(lineStarts: number[], offset: number): Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1, offset };
}

/**
 * Deeper nesting is refused rather than scanned: the scanner recurses, and no spec comes
 * near this (the tools write about eight levels).
 */
export const MAX_JSON_DEPTH = 1000;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** Characters a string may hold as they are; the regex engine skips them far faster than a loop. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what a JSON string may not hold raw
const PLAIN_CHARS = /[^"\\\u0000-\u001f]*/y;
const WHITESPACE = /[ \t\n\r]*/y;

export class Scanner {
  pos = 0;
  depth = 0;
  readonly index: SourceIndex = { valueOffsets: new Map(), keyOffsets: new Map(), duplicates: [], rawLexemes: new Map() };
  private lineStarts: number[] | undefined;

  constructor(
    readonly text: string,
    readonly file: string,
    readonly want: ScanWants,
  ) {}

  fail(message: string, offset = this.pos, code = "json-syntax"): never {
    this.lineStarts ??= computeLineStarts(this.text);
    const { line, column } = offsetToPosition(this.lineStarts, offset);
    const what = code === "json-syntax" ? "invalid JSON: " : "";
    throw new DataError(code, `${this.file}:${line}:${column}: ${what}${message}`, {
      file: this.file,
      line,
      column,
      fix: "Fix the JSON by hand, or restore the file from git or from its backup (sdd doctor --fix).",
    });
  }

  ws(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
    c = t.charCodeAt(++this.pos);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
    // A longer run (indentation): the regex engine skips it faster than a loop.
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.test(t);
    this.pos = WHITESPACE.lastIndex;
  }

  describe(offset: number): string {
    if (offset >= this.text.length) return "end of file";
    const ch = this.text[offset] ?? "";
    return JSON.stringify(ch);
  }

  value(pointer: string): void {
    this.ws();
    const start = this.pos;
    if (this.want.offsets) this.index.valueOffsets.set(pointer, start);
    const c = this.text.charCodeAt(start);
    if ((c === 123 || c === 91) && ++this.depth > MAX_JSON_DEPTH) {
      this.fail(`nested more than ${MAX_JSON_DEPTH} levels deep; sdd does not read such files`, start, "json-too-deep");
    }
    if (c === 123) {
      this.object(pointer);
      this.depth--;
    } else if (c === 91) {
      this.array(pointer);
      this.depth--;
    } else if (c === 34) {
      const raw = this.string();
      if (this.want.rawLexemes && needsRawString(raw)) this.index.rawLexemes.set(pointer, raw);
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const raw = this.number();
      if (this.want.rawLexemes && String(Number(raw)) !== raw) this.index.rawLexemes.set(pointer, raw);
    } else if (this.text.startsWith("true", start)) this.pos += 4;
    else if (this.text.startsWith("false", start)) this.pos += 5;
    else if (this.text.startsWith("null", start)) this.pos += 4;
    else if (start >= this.text.length) this.fail("unexpected end of file; the file looks truncated");
    else this.fail(`unexpected ${this.describe(start)}; expected a value`);
  }

  object(pointer: string): void {
    this.pos++;
    this.ws();
    if (this.text.charCodeAt(this.pos) === 125) {
      this.pos++;
      return;
    }
    // Keys seen so far, for duplicates: a list while the object is small (cheaper than
    // hashing every key), a set once it is large (a hierarchy of thousands of nodes).
    const seen: string[] | undefined = this.want.duplicates ? [] : undefined;
    let seenSet: Set<string> | undefined;
    for (;;) {
      this.ws();
      const keyStart = this.pos;
      if (this.text.charCodeAt(keyStart) !== 34) {
        if (keyStart >= this.text.length) this.fail("unexpected end of file inside an object; the file looks truncated");
        this.fail(`unexpected ${this.describe(keyStart)}; expected a property name in double quotes`);
      }
      const rawKey = this.string();
      // Without escapes the key is the text between the quotes (string() refused control characters).
      const key = rawKey.includes("\\") ? (JSON.parse(rawKey) as string) : rawKey.slice(1, -1);
      const child = pointer + "/" + escapePointerToken(key);
      if (seen !== undefined) {
        if (seenSet !== undefined ? seenSet.has(key) : seen.includes(key))
          this.index.duplicates.push({ pointer: child, key, offset: keyStart });
        else if (seenSet !== undefined) seenSet.add(key);
        else if (seen.push(key) > 16) seenSet = new Set(seen);
      }
      if (this.want.offsets) this.index.keyOffsets.set(child, keyStart);
      this.ws();
      if (this.text.charCodeAt(this.pos) !== 58) this.fail(`unexpected ${this.describe(this.pos)}; expected ':' after property name`);
      this.pos++;
      this.value(child);
      this.ws();
      const c = this.text.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 125) {
        this.pos++;
        return;
      }
      if (this.pos >= this.text.length) this.fail("unexpected end of file inside an object; the file looks truncated");
      this.fail(`unexpected ${this.describe(this.pos)}; expected ',' or '}'`);
    }
  }

  array(pointer: string): void {
    this.pos++;
    this.ws();
    if (this.text.charCodeAt(this.pos) === 93) {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      this.value(pointer + "/" + i);
      this.ws();
      const c = this.text.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 93) {
        this.pos++;
        return;
      }
      if (this.pos >= this.text.length) this.fail("unexpected end of file inside an array; the file looks truncated");
      this.fail(`unexpected ${this.describe(this.pos)}; expected ',' or ']'`);
    }
  }

  /**
   * The offset of the key of top-level member `key`, reading the text only up to it; for
   * a text that JSON.parse accepted and that has no duplicate keys. Undefined when the
   * top-level value is not an object or has no such member.
   */
  topLevelKey(key: string): number | undefined {
    const t = this.text;
    this.ws();
    if (t.charCodeAt(this.pos) !== 123) return undefined;
    this.pos++;
    for (;;) {
      this.ws();
      const keyStart = this.pos;
      if (t.charCodeAt(keyStart) !== 34) return undefined;
      const rawKey = this.string();
      if ((rawKey.includes("\\") ? (JSON.parse(rawKey) as string) : rawKey.slice(1, -1)) === key) return keyStart;
      this.ws();
      this.pos++; // ':'
      this.value("");
      this.ws();
      if (t.charCodeAt(this.pos) !== 44) return undefined;
      this.pos++;
    }
  }

  /** Returns the raw string lexeme including quotes. */
  string(): string {
    const t = this.text;
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      // Plain characters: a short run (most keys and values) in a loop, a longer one by regex.
      let c = t.charCodeAt(i);
      const shortEnd = i + 24;
      while (c >= 0x20 && c !== 34 && c !== 92 && i < shortEnd) c = t.charCodeAt(++i);
      if (i === shortEnd) {
        PLAIN_CHARS.lastIndex = i;
        PLAIN_CHARS.test(t);
        i = PLAIN_CHARS.lastIndex;
        c = t.charCodeAt(i);
      }
      if (c === 34) break;
      if (Number.isNaN(c)) this.fail("unterminated string; the file looks truncated", start);
      if (c < 0x20) this.fail("control character inside a string (escape it as \\n, \\t or \\u00XX)", i);
      if (c === 92) {
        const e = t.charCodeAt(i + 1);
        if (e === 117) {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) this.fail("invalid \\u escape in string", i);
          i += 6;
          continue;
        }
        if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
          i += 2;
          continue;
        }
        this.fail(`invalid escape ${JSON.stringify(t.slice(i, i + 2))} in string`, i);
      }
      i++;
    }
    this.pos = i + 1;
    return t.slice(start, i + 1);
  }

  number(): string {
    NUMBER.lastIndex = this.pos;
    const r = NUMBER.exec(this.text);
    if (r === null) this.fail("invalid number");
    this.pos += r[0].length;
    const next = this.text.charCodeAt(this.pos);
    if ((next >= 48 && next <= 57) || next === 46 || next === 101 || next === 69) this.fail("invalid number");
    return r[0];
  }
}

/** A string lexeme is "raw" when its escapes are not what our serialiser would produce. */
function needsRawString(raw: string): boolean {
  // Fast path: no escapes and only ASCII means either style reproduces it.
  for (let i = 1; i < raw.length - 1; i++) {
    const c = raw.charCodeAt(i);
    if (c === 92 || c > 0x7f) return true;
  }
  return false;
}

export function scan(text: string, file: string, want: ScanWants): SourceIndex {
  const s = new Scanner(text, file, want);
  s.value("");
  s.ws();
  if (s.pos < text.length) s.fail(`unexpected ${s.describe(s.pos)} after the end of the JSON value`);
  return s.index;
}
