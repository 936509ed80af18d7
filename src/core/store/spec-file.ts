/**
 * Reading a spec file: bytes to text (UTF-8, BOM noted), text to value (exit 4 with
 * file:line:col on a syntax error), plus the source index for positions and minimal writes.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { DataError, NotFoundError } from "../errors.js";
import { SPEC_FOLDERS, type SpecFolder } from "../spec/model.js";
import { decodeUtf8, detectStyle, JsonSource, parseJson, type JsonStyle } from "../json/source.js";

export interface LoadedFile {
  file: string;
  /** The text without a BOM. */
  text: string;
  value: unknown;
  /** The file starts with a UTF-8 byte order mark (style.bom, known without detecting the style). */
  bom: boolean;
  style: JsonStyle;
  source: JsonSource;
}

/**
 * Files read in the current read-once scope, by path: what was read, and the file's identity
 * then (a file replaced since is read again).
 */
let memo: Map<string, { identity: string; loaded: LoadedFile }> | undefined;

function identityOf(file: string): string | undefined {
  try {
    const st = statSync(file);
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * Run `fn` with every spec file read (and parsed) at most once: a command made of several
 * read-only steps over the same files (`sdd ci`: validate, journaling, claims, the work-item
 * log) reads each file in the first step that needs it and the later steps get the same
 * value. The values are shared, so the steps must not modify them. A file whose identity
 * (device, inode, size, modification time) changed is read again. SDD_READ_ONCE=0 turns it
 * off, so a benchmark can measure what it saves.
 */
export function readingOnce<T>(env: NodeJS.ProcessEnv, fn: () => T): T {
  if (memo !== undefined || env.SDD_READ_ONCE === "0") return fn();
  memo = new Map();
  try {
    return fn();
  } finally {
    memo = undefined;
  }
}

export function readJsonFile(file: string, displayName = file): LoadedFile {
  if (memo === undefined) return readJsonFileNow(file, displayName);
  const identity = identityOf(file);
  const hit = memo.get(file);
  if (hit !== undefined && identity !== undefined && hit.identity === identity) {
    const l = hit.loaded;
    if (l.source.file === displayName) return l;
    // The same text and value under the name this caller shows (positions and messages use it).
    return {
      file,
      text: l.text,
      value: l.value,
      bom: l.bom,
      get style(): JsonStyle {
        return l.style;
      },
      source: new JsonSource(l.text, displayName, l.value),
    };
  }
  const loaded = readJsonFileNow(file, displayName);
  if (identity !== undefined) memo.set(file, { identity, loaded });
  return loaded;
}

function readJsonFileNow(file: string, displayName: string): LoadedFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError("file-not-found", `${displayName}: no such file`, { file: displayName });
    if (code === "EISDIR")
      throw new NotFoundError("file-not-found", `${displayName}: is a directory, not a JSON file`, { file: displayName });
    throw new DataError("file-unreadable", `${displayName}: cannot read (${code ?? String(err)})`, { file: displayName });
  }
  const { text, bom } = decodeUtf8(bytes, displayName);
  const value = parseJson(text, displayName);
  // The style is needed only to write the file back (and its BOM flag by validate): it is
  // detected on first use, as detecting it reads the whole text.
  let style: JsonStyle | undefined;
  return {
    file,
    text,
    value,
    bom,
    get style(): JsonStyle {
      return (style ??= detectStyle(text, bom));
    },
    source: new JsonSource(text, displayName, value),
  };
}

/**
 * Where a spec listed in a lifecycle folder went when it is no longer there: another
 * process moved it to a sibling folder between the listing and the read. Undefined when the
 * file is still there, or is not in any folder now (then it was deleted).
 */
export function movedSpecFile(file: string): { file: string; folder: SpecFolder } | undefined {
  if (existsSync(file)) return undefined;
  const folder = basename(dirname(file));
  if (!(SPEC_FOLDERS as readonly string[]).includes(folder)) return undefined;
  const specsDir = dirname(dirname(file));
  for (const f of SPEC_FOLDERS) {
    if (f === folder) continue;
    const candidate = join(specsDir, f, basename(file));
    if (existsSync(candidate)) return { file: candidate, folder: f };
  }
  return undefined;
}

/** readJsonFile for a file found by listing a folder: read it once more where it moved to. */
export function readListedJsonFile(
  file: string,
  displayName: (file: string) => string,
): { loaded: LoadedFile; file: string; folder?: SpecFolder } {
  try {
    return { loaded: readJsonFile(file, displayName(file)), file };
  } catch (err) {
    const moved = err instanceof NotFoundError ? movedSpecFile(file) : undefined;
    if (moved === undefined) throw err;
    return { loaded: readJsonFile(moved.file, displayName(moved.file)), file: moved.file, folder: moved.folder };
  }
}
