/**
 * Reading JSON text exactly: precise syntax errors with line:column, JSON pointers mapped
 * back to source positions, duplicate keys, and the raw lexemes of numbers and strings so
 * an unchanged value can be written back byte for byte.
 *
 * Values come from the native JSON.parse (fast); the scanner below runs only when a
 * position, a duplicate check or a raw lexeme is asked for, or to explain a syntax error.
 * It records only what was asked for: a full index of positions costs several times a
 * scan that only looks for duplicate keys or only keeps raw lexemes (what a write needs).
 * A file without duplicate keys and without findings (most of what `validate` reads)
 * needs no scan at all: duplicateKeys compares key counts, and the position of a
 * top-level key is read from the top of the file.
 */
import { DataError } from "../errors.js";
import { escapePointerToken, unescapePointerToken } from "../pointer.js";

// Pointers are built in one place for every layer; re-exported for the JSON engine's callers.
export { escapePointerToken, pointerOf, unescapePointerToken } from "../pointer.js";

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

/** What a scan records (everything it does not record costs nothing). */
interface ScanWants {
  /** valueOffsets and keyOffsets of every value and member. */
  offsets: boolean;
  duplicates: boolean;
  rawLexemes: boolean;
}

const WANT_ALL: ScanWants = { offsets: true, duplicates: true, rawLexemes: true };
const WANT_NOTHING: ScanWants = { offsets: false, duplicates: false, rawLexemes: false };
const WANT_DUPLICATES: ScanWants = { offsets: false, duplicates: true, rawLexemes: false };
const WANT_LEXEMES: ScanWants = { offsets: false, duplicates: false, rawLexemes: true };

export class JsonSource {
  readonly text: string;
  readonly file: string;
  /** The value JSON.parse returned for this text, unmodified, when the caller has it. */
  private readonly parsed: unknown;
  private index: SourceIndex | undefined;
  private duplicates: DuplicateKey[] | undefined;
  private protoKeys: boolean | undefined;
  private lexemes: Map<string, string> | undefined;
  private lineStarts: number[] | undefined;
  /** How far `lineStarts` has been filled (they are found only as far as a position asks). */
  private linesScanned = 0;

  /**
   * `parsed`: the value JSON.parse returned for `text`, not modified since; it lets
   * duplicateKeys answer without the scanner when the text has none (the common case).
   */
  constructor(text: string, file: string, parsed?: unknown) {
    this.text = text;
    this.file = file;
    this.parsed = parsed;
  }

  get sourceIndex(): SourceIndex {
    this.index ??= scan(this.text, this.file, WANT_ALL);
    return this.index;
  }

  /** The duplicate keys (as in sourceIndex), found without building the index when it is not built yet. */
  get duplicateKeys(): DuplicateKey[] {
    if (this.index !== undefined) return this.index.duplicates;
    if (this.duplicates === undefined) {
      let none = false;
      if (this.parsed !== undefined) {
        const keys = countKeys(this.parsed);
        if (keys.count >= 0) {
          this.protoKeys = keys.proto;
          none = countTextKeys(this.text) === keys.count;
        }
      }
      this.duplicates = none ? [] : scan(this.text, this.file, WANT_DUPLICATES).duplicates;
    }
    return this.duplicates;
  }

  /**
   * Whether some object of the parsed value has a member named "__proto__", learnt for free
   * while duplicateKeys counted the members (for the reserved-key rule); undefined when it
   * has not counted them.
   */
  get protoKey(): boolean | undefined {
    return this.protoKeys;
  }

  /** The raw lexemes (as in sourceIndex), from a lighter scan when the index is not built yet. */
  get rawLexemes(): ReadonlyMap<string, string> {
    if (this.index !== undefined) return this.index.rawLexemes;
    this.lexemes ??= scan(this.text, this.file, WANT_LEXEMES).rawLexemes;
    return this.lexemes;
  }

  /**
   * The raw lexemes serializeJson needs to write a changed value of this text in `style`
   * (the text's own): none when the text is exactly what JSON.stringify writes for its
   * value in that indentation, since then every lexeme is already what the serialiser
   * writes for an unchanged value (a file sdd or the Python tool wrote, with ASCII text
   * or without escapes); else rawLexemes. Checking costs a fraction of the scan.
   */
  lexemesForWrite(style: JsonStyle): ReadonlyMap<string, string> {
    if (
      this.index === undefined &&
      this.lexemes === undefined &&
      this.parsed !== undefined &&
      isStringifyOutput(this.text, this.parsed, style)
    ) {
      return NO_LEXEMES;
    }
    return this.rawLexemes;
  }

  position(offset: number): Position {
    const starts = (this.lineStarts ??= [0]);
    // Every line start up to `offset` is known once the scan has passed it: the key of
    // "/spec_id" near the top of a large file costs a few lines, not the whole file.
    while (this.linesScanned <= offset && this.linesScanned < this.text.length) {
      const nl = this.text.indexOf("\n", this.linesScanned);
      if (nl === -1) {
        this.linesScanned = this.text.length;
        break;
      }
      starts.push(nl + 1);
      this.linesScanned = nl + 1;
    }
    return offsetToPosition(starts, offset);
  }

  /**
   * Where a pointer sits in the file: the member's key when it is an object member, else
   * the value; for a pointer that does not exist, the nearest existing ancestor.
   */
  locate(pointer: string): Position {
    // A top-level member of a text known to have no duplicate keys: its only key is found
    // by reading the top-level object up to it, without indexing the whole file.
    if (this.index === undefined && this.duplicates?.length === 0 && pointer.lastIndexOf("/") === 0) {
      const offset = new Scanner(this.text, this.file, WANT_NOTHING).topLevelKey(unescapePointerToken(pointer.slice(1)));
      if (offset !== undefined) return this.position(offset);
    }
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

const NO_LEXEMES: ReadonlyMap<string, string> = new Map();

/** Whether `text` is JSON.stringify's output for `value` in `style` (indentation, final newline, "\n" line breaks). */
function isStringifyOutput(text: string, value: unknown, style: JsonStyle): boolean {
  const { indent } = style;
  if (indent === null || indent.length < 1 || indent.length > 10 || style.eol !== "\n") return false;
  const end = style.finalNewline ? text.length - 1 : text.length;
  const out = JSON.stringify(value, null, indent) as string | undefined;
  return out !== undefined && out.length === end && text.startsWith(out) && (end === text.length || text.charCodeAt(end) === 10);
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
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
  // (text.trim() === "", without making the trimmed copy: \S is exactly what trim keeps.)
  if (!/\S/.test(text)) {
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
    scan(text, file, WANT_NOTHING);
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
  const asciiOnly = !/[\u0080-\uffff]/.test(text);
  const compactSpaces = indent === null && /^[{[]\s*"(?:[^"\\]|\\.)*"\s*: /.test(text);
  return { indent, eol, finalNewline, asciiOnly, bom, compactSpaces };
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

class Scanner {
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

/*
 * Whether a text that JSON.parse accepted (as `parsed`) has no duplicate keys is decided
 * without the scanner (a few times faster). JSON.parse keeps one member per distinct key,
 * so the text repeats a key exactly when it holds more keys than the parsed value does
 * (countTextKeys against countKeys). A value nested deeper than the scanner accepts is
 * left to the scanner, so that it still reports json-too-deep.
 */

/**
 * The keys in a JSON text that JSON.parse accepted: its string tokens followed by ':'.
 * Outside a string a quote only ever opens one, so the scan jumps from quote to quote: a
 * string ends at the first quote not escaped (preceded by an even run of backslashes).
 * -1 if a string is left open (not for a text JSON.parse accepted).
 */
function countTextKeys(text: string): number {
  let keys = 0;
  let open = text.indexOf('"');
  while (open !== -1) {
    let close = text.indexOf('"', open + 1);
    while (close !== -1 && text.charCodeAt(close - 1) === 92) {
      let k = close - 2;
      while (text.charCodeAt(k) === 92) k--;
      // close - 1 - k backslashes: an even run escapes nothing.
      if ((close - 1 - k) % 2 === 0) break;
      close = text.indexOf('"', close + 1);
    }
    if (close === -1) return -1;
    let p = close + 1;
    let c = text.charCodeAt(p);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++p);
    if (c === 58) keys++;
    open = text.indexOf('"', p);
  }
  return keys;
}

/**
 * The members of every object in a parsed value (own enumerable keys, as Object.keys counts
 * them), -1 when a container sits deeper than MAX_JSON_DEPTH; and whether one of them is
 * named "__proto__".
 */
function countKeys(value: unknown): { count: number; proto: boolean } {
  // `for…in` walks the members without making their list (the cheapest walk); should
  // Object.prototype have an enumerable member, the inherited keys it adds are skipped.
  let ownOnly = false;
  for (const key in {}) if (key !== undefined) ownOnly = true;
  let proto = false;
  const walk = (v: object, depth: number): number => {
    if (depth > MAX_JSON_DEPTH) return -1;
    let n = 0;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (typeof item !== "object" || item === null) continue;
        const c = walk(item, depth + 1);
        if (c < 0) return -1;
        n += c;
      }
      return n;
    }
    for (const key in v) {
      if (ownOnly && !Object.hasOwn(v, key)) continue;
      n++;
      if (key === "__proto__") proto = true;
      const item = (v as Record<string, unknown>)[key];
      if (typeof item !== "object" || item === null) continue;
      const c = walk(item, depth + 1);
      if (c < 0) return -1;
      n += c;
    }
    return n;
  };
  const count = typeof value === "object" && value !== null ? walk(value, 1) : 0;
  return { count, proto };
}

function scan(text: string, file: string, want: ScanWants): SourceIndex {
  const s = new Scanner(text, file, want);
  s.value("");
  s.ws();
  if (s.pos < text.length) s.fail(`unexpected ${s.describe(s.pos)} after the end of the JSON value`);
  return s.index;
}
