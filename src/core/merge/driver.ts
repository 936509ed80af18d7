/**
 * `sdd merge-driver BASE OURS THEIRS [PATH]`: git's merge driver for spec and work-item
 * JSON files (docs/branches.md). git passes the common ancestor (%O), our version (%A, also
 * where the result goes), their version (%B) and the path in the repository (%P).
 *
 * A clean merge is written over OURS in OURS' own formatting. Otherwise OURS holds both
 * whole versions between git-style markers, so the file is plainly unfinished: it does not
 * parse until someone resolves it.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { writeFileAtomic } from "../store/atomic.js";
import { DataError, NotFoundError, SddError } from "../errors.js";
import { decodeUtf8, detectStyle, JsonSource, parseJson } from "../json/source.js";
import { serializeJson } from "../json/write.js";
import { mergeJson, type MergeConflict, type MergeKind } from "./merge.js";
import { isObject } from "../spec/model.js";

export interface MergeDriverOptions {
  /** The three file paths are relative to this directory (git runs drivers at the top of the work tree). */
  cwd: string;
  /** The common ancestor (%O); an empty file means there is none. */
  base: string;
  /** Our version (%A); the result is written here. */
  ours: string;
  /** Their version (%B). */
  theirs: string;
  /** The file's path in the repository (%P), used in messages. */
  path?: string | undefined;
}

export interface UnreadableSide {
  side: "base" | "ours" | "theirs";
  message: string;
}

export interface MergeDriverResult {
  /** The name messages use: PATH when given, else OURS. */
  file: string;
  kind: MergeKind;
  merged: boolean;
  conflicts: MergeConflict[];
  unreadable: UnreadableSide[];
  notes: string[];
}

interface Side {
  name: UnreadableSide["side"];
  bytes: Buffer;
  text?: string;
  bom?: boolean;
  value?: unknown;
  error?: string;
}

function readSide(name: Side["name"], file: string, label: string): Side {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError("file-not-found", `${label}: no such file (${file})`, { file: label });
    throw new DataError("file-unreadable", `${label}: cannot read ${file} (${code ?? String(err)})`, { file: label });
  }
  const side: Side = { name, bytes };
  try {
    const { text, bom } = decodeUtf8(bytes, label);
    side.text = text;
    side.bom = bom;
    // No common ancestor (both branches added the file): git passes an empty base.
    if (name === "base" && text.trim() === "") return side;
    side.value = parseJson(text, label);
  } catch (err) {
    if (!(err instanceof SddError)) throw err;
    side.error = err.message;
  }
  return side;
}

/** Content decides: a `hierarchy` object makes a spec; `schema_version` with `fields`, a work item. */
export function detectMergeKind(values: readonly unknown[]): MergeKind {
  if (values.some((v) => isObject(v) && isObject(v.hierarchy))) return "spec";
  if (values.some((v) => isObject(v) && v.schema_version !== undefined && Array.isArray(v.fields))) return "work-item";
  return "json";
}

/** Both whole versions between git-style conflict markers, in OURS' newline convention. */
export function conflictText(ours: Buffer, theirs: Buffer): Buffer {
  const eol = ours.includes("\r\n") ? "\r\n" : "\n";
  const closed = (b: Buffer): Buffer[] => (b.length === 0 || b[b.length - 1] === 10 ? [b] : [b, Buffer.from(eol)]);
  return Buffer.concat([
    Buffer.from(`<<<<<<< ours${eol}`),
    ...closed(ours),
    Buffer.from(`=======${eol}`),
    ...closed(theirs),
    Buffer.from(`>>>>>>> theirs${eol}`),
  ]);
}

export function runMergeDriver(o: MergeDriverOptions): MergeDriverResult {
  const file = o.path ?? o.ours;
  const oursFile = resolve(o.cwd, o.ours);
  const base = readSide("base", resolve(o.cwd, o.base), `${file} (base)`);
  const ours = readSide("ours", oursFile, `${file} (ours)`);
  const theirs = readSide("theirs", resolve(o.cwd, o.theirs), `${file} (theirs)`);
  const unreadable: UnreadableSide[] = [];
  for (const s of [base, ours, theirs]) if (s.error !== undefined) unreadable.push({ side: s.name, message: s.error });
  const kind = detectMergeKind([ours.value, theirs.value, base.value]);
  const result: MergeDriverResult = { file, kind, merged: false, conflicts: [], unreadable, notes: [] };
  if (unreadable.length > 0) {
    writeFileAtomic(oursFile, conflictText(ours.bytes, theirs.bytes));
    return result;
  }
  const merge = mergeJson(base.value, ours.value, theirs.value, kind);
  result.conflicts = merge.conflicts;
  result.notes = merge.notes;
  if (merge.conflicts.length > 0) {
    writeFileAtomic(oursFile, conflictText(ours.bytes, theirs.bytes));
    return result;
  }
  // OURS' formatting, and the raw text of its numbers and strings where the value is unchanged.
  const style = detectStyle(ours.text ?? "", ours.bom === true);
  const raw = new JsonSource(ours.text ?? "", `${file} (ours)`).sourceIndex.rawLexemes;
  writeFileAtomic(oursFile, serializeJson(merge.merged, style, raw));
  result.merged = true;
  return result;
}
