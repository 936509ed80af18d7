/**
 * Durable file replacement: a unique temp file in the target's directory, fsync, rename
 * over the target, fsync the directory. A crash at any instant leaves either the old or
 * the new file, plus at worst a temp file that `sdd doctor` removes.
 */
import { closeSync, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync, type Stats } from "node:fs";
import type * as Crypto from "node:crypto";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { DataError, SddError } from "../errors.js";

export const TEMP_SUFFIX = ".sdd-tmp";

/** Temp files this process may leave behind if interrupted; removed by the signal handler. */
export const pendingTempFiles = new Set<string>();

// node:crypto takes a few milliseconds to load and this module is loaded at every start
// (for the signal handler): load it on the first write only.
const require = createRequire(import.meta.url);
let randomBytes: typeof Crypto.randomBytes | undefined;

export function tempPathFor(target: string): string {
  randomBytes ??= (require("node:crypto") as typeof Crypto).randomBytes;
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}${TEMP_SUFFIX}`);
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The target's current stat, or undefined when it does not exist yet. */
function existing(target: string): Stats | undefined {
  try {
    return lstatSync(target);
  } catch {
    return undefined;
  }
}

/**
 * Write `data` to a new temp file beside `target`, fsynced, with the mode (and, where the
 * process may, the owner) of the file it will replace. The caller renames it into place.
 */
export function writeTempFile(target: string, data: string | Uint8Array, newMode = 0o644): string {
  const tmp = tempPathFor(target);
  pendingTempFiles.add(tmp);
  try {
    const old = existing(target);
    const fd = openSync(tmp, "wx", old?.isFile() === true ? old.mode & 0o7777 : newMode);
    try {
      if (old?.isFile() === true || newMode !== 0o644) {
        // The umask narrowed the mode given to open; a replaced file keeps its own.
        fchmodSync(fd, old?.isFile() === true ? old.mode & 0o7777 : newMode);
        if (old?.isFile() === true) {
          try {
            fchownSync(fd, old.uid, old.gid);
          } catch {
            // Only root may give a file away; the mode is kept regardless.
          }
        }
      }
      const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return tmp;
  } catch (err) {
    discardTemp(tmp);
    throw asFileError(err, target, "write");
  }
}

export function discardTemp(tmp: string): void {
  try {
    unlinkSync(tmp);
  } catch {
    // already gone
  }
  pendingTempFiles.delete(tmp);
}

export function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: { beforeRename?: () => void; /** for a new file (an existing one keeps its own) */ mode?: number } = {},
): void {
  const tmp = writeTempFile(target, data, options.mode);
  try {
    options.beforeRename?.();
    renameSync(tmp, target);
    pendingTempFiles.delete(tmp);
    fsyncDir(dirname(target));
  } catch (err) {
    discardTemp(tmp);
    throw asFileError(err, target, "write");
  }
}

export function removePendingTempFiles(): void {
  for (const f of pendingTempFiles) {
    try {
      unlinkSync(f);
    } catch {
      // already gone
    }
  }
  pendingTempFiles.clear();
}

/** An operating-system error (EACCES, ENOSPC, EROFS, …) as a user-facing error naming the file. */
export function asFileError(err: unknown, file: string, action: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string" || err instanceof SddError) return err;
  return new DataError("io-error", `${file}: cannot ${action} (${osReason(err as NodeJS.ErrnoException)})`, {
    file,
    fix: "Check the file's permissions and the free disk space.",
  });
}

/** "EACCES: permission denied": the code once, then what it means, without Node's call and path. */
export function osReason(err: NodeJS.ErrnoException): string {
  const code = err.code ?? "error";
  // Node writes "EACCES: permission denied, open '/x'": keep the description only.
  const m = /^[A-Z0-9_]+: ([^,]+)/.exec(err.message);
  return m?.[1] !== undefined ? `${code}: ${m[1]}` : code;
}
