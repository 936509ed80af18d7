/**
 * Reading JSON text exactly: precise syntax errors with line:column, JSON pointers mapped
 * back to source positions, duplicate keys, and the raw lexemes of numbers and strings so
 * an unchanged value can be written back byte for byte.
 *
 * Values come from the native JSON.parse (fast); the scanner (./scanner.ts) runs only when a
 * position, a duplicate check or a raw lexeme is asked for, or to explain a syntax error.
 * It records only what was asked for: a full index of positions costs several times a
 * scan that only looks for duplicate keys or only keeps raw lexemes (what a write needs).
 * A file without duplicate keys and without findings (most of what `validate` reads)
 * needs no scan at all: duplicateKeys compares key counts (./keys.ts), and the position of a
 * top-level key is read from the top of the file.
 */
import { unescapePointerToken } from "../pointer.js";
import { countKeys, countTextKeys } from "./keys.js";
import {
  offsetToPosition,
  scan,
  Scanner,
  WANT_ALL,
  WANT_DUPLICATES,
  WANT_LEXEMES,
  WANT_NOTHING,
  type DuplicateKey,
  type Position,
  type SourceIndex,
} from "./scanner.js";
import { isStringifyOutput, type JsonStyle } from "./style.js";

// The JSON engine's entry points, for its callers; pointers are built in one place for every layer.
export { escapePointerToken, pointerOf, unescapePointerToken } from "../pointer.js";
export { decodeUtf8, parseJson } from "./decode.js";
export { computeLineStarts, MAX_JSON_DEPTH, type DuplicateKey, type Position, type SourceIndex } from "./scanner.js";
export { detectStyle, type JsonStyle } from "./style.js";

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
