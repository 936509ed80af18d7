/**
 * Reading JSON text exactly: precise syntax errors with line:column, JSON pointers mapped
 * back to source positions, duplicate keys, and the raw lexemes of numbers and strings so
 * an unchanged value can be written back byte for byte.
 *
 * Values come from the native JSON.parse (fast); the scanner below runs only when a
 * position, a duplicate check or a raw lexeme is asked for, or to explain a syntax error.
 */
import { DataError } from "./errors.js";

export interface Position {
  line: number;
  column: number;
  offset: number;
}

export interface JsonStyle {
  /** Indentation unit, or null for compact output on one line. */
  indent: string | null;
  eol: "\n" | "\r\n";
  finalNewline: boolean;
  /** Non-ASCII characters are written as \uXXXX escapes (Python's json.dumps default). */
  asciiOnly: boolean;
  bom: boolean;
  /** In compact output, whether ", " and ": " separate items (Python's default) or "," and ":". */
  compactSpaces: boolean;
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

export class JsonSource {
  readonly text: string;
  readonly file: string;
  private index: SourceIndex | undefined;
  private lineStarts: number[] | undefined;

  constructor(text: string, file: string) {
    this.text = text;
    this.file = file;
  }

  get sourceIndex(): SourceIndex {
    this.index ??= scan(this.text, this.file, true);
    return this.index;
  }

  position(offset: number): Position {
    this.lineStarts ??= computeLineStarts(this.text);
    return offsetToPosition(this.lineStarts, offset);
  }

  /**
   * Where a pointer sits in the file: the member's key when it is an object member, else
   * the value; for a pointer that does not exist, the nearest existing ancestor.
   */
  locate(pointer: string): Position {
    const { keyOffsets, valueOffsets } = this.sourceIndex;
    let p = pointer;
    for (;;) {
      const offset = keyOffsets.get(p) ?? valueOffsets.get(p);
      if (offset !== undefined) return this.position(offset);
      if (p === "") return this.position(0);
      p = p.slice(0, p.lastIndexOf("/"));
    }
  }
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) starts.push(i + 1);
  }
  return starts;
}

function offsetToPosition(lineStarts: number[], offset: number): Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1, offset };
}

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

export function pointerOf(tokens: readonly (string | number)[]): string {
  let out = "";
  for (const t of tokens) out += "/" + escapePointerToken(String(t));
  return out;
}

/** Decode bytes as UTF-8, refusing binary or mis-encoded input with a precise message. */
export function decodeUtf8(bytes: Uint8Array, file: string): { text: string; bom: boolean } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    // (lastIndexOf with a negative start would count from the end.)
    const lineStart = at === 0 ? 0 : bytes.lastIndexOf(10, at - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 10) line++;
    // Columns count characters, as for syntax errors; the bytes before `at` decode.
    const column = new TextDecoder("utf-8").decode(bytes.subarray(lineStart, at)).length + 1;
    const byte = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    throw new DataError(
      "json-encoding",
      `${file}:${line}:${column}: not UTF-8 text (invalid byte 0x${byte} at offset ${at}); is this a binary file?`,
      {
        file,
        line,
        column,
        fix: "Restore the file from git or from its backup (sdd doctor --fix), or re-save it as UTF-8.",
      },
    );
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  return { text: bom ? text.slice(1) : text, bom };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  // Binary search for the shortest prefix that fails to decode. Each probe needs a fresh
  // decoder: a streaming decoder keeps the open bytes of one call for the next.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  // `lo` is where decoding fails; a multi-byte sequence left open before it is the culprit.
  const strict = new TextDecoder("utf-8", { fatal: true });
  for (let k = lo; k > Math.max(0, lo - 4); k--) {
    try {
      strict.decode(bytes.subarray(0, k));
      return k;
    } catch {
      // The sequence starts further back.
    }
  }
  return lo;
}

/** Parse JSON text; a syntax error becomes a DataError (exit 4) with file:line:col. */
export function parseJson(text: string, file: string): unknown {
  if (text.trim() === "") {
    throw new DataError("json-empty", `${file}: the file is empty; a spec must be a JSON object`, {
      file,
      line: 1,
      column: 1,
      fix: "Restore the file from git or from its backup (sdd doctor --fix).",
    });
  }
  try {
    return JSON.parse(text);
  } catch {
    // Re-scan to name the exact place; JSON.parse's own message differs between engines.
    scan(text, file, false);
    throw new DataError("json-syntax", `${file}: invalid JSON`, { file });
  }
}

export function detectStyle(text: string, bom: boolean): JsonStyle {
  const eol: "\n" | "\r\n" = text.includes("\r\n") ? "\r\n" : "\n";
  const finalNewline = text.endsWith("\n");
  let indent: string | null = null;
  const m = /^[{[][ \t]*\r?\n([ \t]+)\S/.exec(text);
  if (m?.[1] !== undefined) indent = m[1];
  else if (/^[{[]\r?\n/.test(text)) indent = "";
  // A file with no non-ASCII characters gives no evidence; escaping is the safer default
  // because it is what the Python tool writes.
  let asciiOnly = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      asciiOnly = false;
      break;
    }
  }
  const compactSpaces = indent === null && /^[{[]\s*"(?:[^"\\]|\\.)*"\s*: /.test(text);
  return { indent, eol, finalNewline, asciiOnly, bom, compactSpaces };
}

/**
 * Deeper nesting is refused rather than scanned: the scanner recurses, and no spec comes
 * near this (the tools write about eight levels).
 */
export const MAX_JSON_DEPTH = 1000;

class Scanner {
  pos = 0;
  depth = 0;
  readonly index: SourceIndex = { valueOffsets: new Map(), keyOffsets: new Map(), duplicates: [], rawLexemes: new Map() };
  private lineStarts: number[] | undefined;

  constructor(
    readonly text: string,
    readonly file: string,
    readonly record: boolean,
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
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) this.pos++;
      else return;
    }
  }

  describe(offset: number): string {
    if (offset >= this.text.length) return "end of file";
    const ch = this.text[offset] ?? "";
    return JSON.stringify(ch);
  }

  value(pointer: string): void {
    this.ws();
    const start = this.pos;
    if (this.record) this.index.valueOffsets.set(pointer, start);
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
      if (this.record && needsRawString(raw)) this.index.rawLexemes.set(pointer, raw);
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const raw = this.number();
      if (this.record && String(Number(raw)) !== raw) this.index.rawLexemes.set(pointer, raw);
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
    const seen = this.record ? new Set<string>() : undefined;
    for (;;) {
      this.ws();
      const keyStart = this.pos;
      if (this.text.charCodeAt(keyStart) !== 34) {
        if (keyStart >= this.text.length) this.fail("unexpected end of file inside an object; the file looks truncated");
        this.fail(`unexpected ${this.describe(keyStart)}; expected a property name in double quotes`);
      }
      const rawKey = this.string();
      const key = JSON.parse(rawKey) as string;
      const child = pointer + "/" + escapePointerToken(key);
      if (seen !== undefined) {
        if (seen.has(key)) this.index.duplicates.push({ pointer: child, key, offset: keyStart });
        else seen.add(key);
        this.index.keyOffsets.set(child, keyStart);
      }
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

  /** Returns the raw string lexeme including quotes. */
  string(): string {
    const t = this.text;
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      const c = t.charCodeAt(i);
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
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.pos;
    const r = m.exec(this.text);
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

function scan(text: string, file: string, record: boolean): SourceIndex {
  const s = new Scanner(text, file, record);
  s.value("");
  s.ws();
  if (s.pos < text.length) s.fail(`unexpected ${s.describe(s.pos)} after the end of the JSON value`);
  return s.index;
}
