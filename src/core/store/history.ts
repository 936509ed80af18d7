/**
 * Per-spec change history and rotating backups.
 *
 * - `<specs>/.history/<id>.jsonl`: one line per write, `{seq, timestamp, command, patch}`,
 *   where `patch` is the RFC 6902 patch from the previous state to the new one;
 * - `<specs>/.backups/<id>/<seq>.json`: the bytes of the file as they were before write
 *   `seq`, the newest BACKUP_KEEP kept. A backup plus the later patches rebuilds the file.
 */
import {
  closeSync,
  constants,
  lstatSync,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { Operation } from "fast-json-patch";
import { asFileError, discardTemp, fsyncDir, pendingTempFiles, tempPathFor, writeFileAtomic } from "./atomic.js";
import { DataError } from "../errors.js";

export const HISTORY_DIR = ".history";
export const BACKUPS_DIR = ".backups";
export const BACKUP_KEEP = 10;

export interface HistoryEntry {
  seq: number;
  timestamp: string;
  command: string;
  patch: Operation[];
  /** The folders the spec moved between, for writes that moved it. */
  moved_to?: string;
  moved_from?: string;
}

export function historyFile(specsDir: string, id: string): string {
  return join(specsDir, HISTORY_DIR, `${id}.jsonl`);
}

export function backupDir(specsDir: string, id: string): string {
  return join(specsDir, BACKUPS_DIR, id);
}

/** Every entry, oldest first; a torn last line (a crash mid-append) is ignored. */
export function readHistory(specsDir: string, id: string): HistoryEntry[] {
  let text: string;
  try {
    text = readFileSync(historyFile(specsDir, id), "utf8");
  } catch {
    return [];
  }
  const out: HistoryEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line) as HistoryEntry);
    } catch {
      // A torn line from an interrupted append: not a recorded change.
    }
  }
  return out;
}

/** The last sequence number, read from the file's tail so long histories stay cheap. */
export function lastSeq(specsDir: string, id: string): number {
  const file = historyFile(specsDir, id);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return 0;
  }
  const fd = openSync(file, "r");
  try {
    const len = Math.min(size, 1 << 16);
    const buf = Buffer.alloc(len);
    readSyncFully(fd, buf, size - len);
    const lines = buf.toString("utf8").split("\n").reverse();
    for (const line of lines) {
      const m = /^\{"seq":(\d+),/.exec(line);
      if (m?.[1] !== undefined && line.endsWith("}")) return Number(m[1]);
    }
  } finally {
    closeSync(fd);
  }
  return readHistory(specsDir, id).reduce((max, e) => Math.max(max, e.seq), 0);
}

function readSyncFully(fd: number, buf: Buffer, position: number): void {
  let off = 0;
  while (off < buf.length) {
    const n = readSyncAt(fd, buf, off, position + off);
    if (n === 0) break;
    off += n;
  }
}

function readSyncAt(fd: number, buf: Buffer, off: number, position: number): number {
  return readSync(fd, buf, off, buf.length - off, position);
}

/**
 * A folder sdd keeps its own files in (`.history/`, `.backups/<id>/`), made if missing. A
 * symlink there is refused: sdd would append to, or rotate (delete) files in, whatever it
 * points to.
 */
export function ownDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
    if (lstatSync(dir).isSymbolicLink()) {
      throw new DataError("symlink-refused", `${dir} is a symbolic link; sdd keeps its history and backups only in real folders`, {
        file: dir,
        fix: `replace the link with a folder: rm ${dir} && mkdir ${dir}`,
      });
    }
  } catch (err) {
    throw asFileError(err, dir, "create the folder");
  }
  return dir;
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Before a write: the history folder is a real folder and the spec's history, if any, a
 * real file, so the entry can be appended once the change is written.
 */
export function checkHistoryWritable(specsDir: string, id: string): void {
  ownDir(join(specsDir, HISTORY_DIR));
  const file = historyFile(specsDir, id);
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return;
  }
  if (!st.isFile()) {
    throw new DataError(
      st.isSymbolicLink() ? "symlink-refused" : "history-not-a-file",
      `${file} is ${st.isSymbolicLink() ? "a symbolic link" : "not a regular file"}; sdd appends history only to a real file; nothing was written`,
      { file, fix: `move it away: mv ${file} ${file}.bad` },
    );
  }
}

export function appendHistory(specsDir: string, id: string, entry: HistoryEntry): void {
  ownDir(join(specsDir, HISTORY_DIR));
  const file = historyFile(specsDir, id);
  let line = JSON.stringify(entry) + "\n";
  let fd: number;
  try {
    // Never through a symlink: the line would land in whatever file it points to.
    fd = openSync(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | O_NOFOLLOW, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOOP") {
      throw new DataError("symlink-refused", `${file} is a symbolic link; sdd appends history only to a real file`, {
        file,
        fix: `remove the link: rm ${file}`,
      });
    }
    throw asFileError(err, file, "append to the history");
  }
  try {
    // After a torn append (no final newline) start a new line, or this entry would be
    // glued to the torn one and lost with it.
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    if (size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 10) line = "\n" + line;
    writeSync(fd, line);
    fsyncSync(fd);
  } catch (err) {
    throw asFileError(err, file, "append to the history");
  } finally {
    closeSync(fd);
  }
}

function backupFile(specsDir: string, id: string, seq: number): string {
  ownDir(join(specsDir, BACKUPS_DIR));
  return join(ownDir(backupDir(specsDir, id)), `${String(seq).padStart(8, "0")}.json`);
}

export function writeBackup(specsDir: string, id: string, seq: number, bytes: Uint8Array, mode?: number): string {
  const file = backupFile(specsDir, id, seq);
  writeFileAtomic(file, bytes, mode === undefined ? {} : { mode });
  rotateBackups(specsDir, id);
  return file;
}

/**
 * The backup of a spec about to be replaced: a second name (a hard link) for the file as it
 * is, since the write that follows renames a new file over the spec and leaves this one to
 * the backup alone. Nothing is copied or written but a directory entry; the file's content
 * is flushed (fsync, nearly free for a file sdd wrote, as that was flushed then) and the
 * backups folder too, before the spec is replaced. Where a link cannot be made (a file
 * system without hard links, a spec that is not a regular file or has other names,
 * SDD_BACKUP_COPY=1 for the benchmark) the bytes are copied as before.
 */
export function backupSpec(specsDir: string, id: string, seq: number, spec: string, mode?: number): string {
  const file = backupFile(specsDir, id, seq);
  const st = lstatSync(spec);
  // A file with another name besides the spec's (a hard link someone made) could be
  // changed in place through it, and the backup with it: that one is copied.
  if (process.env.SDD_BACKUP_COPY !== "1" && st.isFile() && st.nlink === 1) {
    const tmp = tempPathFor(file);
    try {
      linkSync(spec, tmp);
      pendingTempFiles.add(tmp);
      const fd = openSync(tmp, "r");
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      // Over a backup of the same number a crashed write left (its history entry missing).
      renameSync(tmp, file);
      pendingTempFiles.delete(tmp);
      fsyncDir(dirname(file));
      rotateBackups(specsDir, id);
      return file;
    } catch {
      discardTemp(tmp);
    }
  }
  return writeBackup(specsDir, id, seq, readFileSync(spec), mode);
}

function rotateBackups(specsDir: string, id: string): void {
  const all = listBackups(specsDir, id);
  for (const old of all.slice(0, Math.max(0, all.length - BACKUP_KEEP))) {
    try {
      // Only sdd's own backups: a symlink entry is left alone (its target is not ours).
      if (lstatSync(old.file).isFile()) unlinkSync(old.file);
    } catch {
      // rotated by another process already
    }
  }
}

/** Backups oldest first, each with the history sequence number it precedes. */
export function listBackups(specsDir: string, id: string): { seq: number; file: string }[] {
  let names: string[];
  try {
    names = readdirSync(backupDir(specsDir, id));
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d+\.json$/.test(n))
    .map((n) => ({ seq: Number(n.slice(0, -5)), file: join(backupDir(specsDir, id), n) }))
    .sort((a, b) => a.seq - b.seq);
}
