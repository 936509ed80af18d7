/**
 * Durable file replacement: a unique temp file in the target's directory, fsync, rename
 * over the target, fsync the directory. A crash at any instant leaves either the old or
 * the new file, plus at worst a temp file that `sdd doctor` removes.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
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

export function writeFileAtomic(target: string, data: string | Uint8Array, options: { beforeRename?: () => void } = {}): void {
  const tmp = tempPathFor(target);
  pendingTempFiles.add(tmp);
  try {
    const fd = openSync(tmp, "wx", 0o644);
    try {
      const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    options.beforeRename?.();
    renameSync(tmp, target);
    pendingTempFiles.delete(tmp);
    fsyncDir(dirname(target));
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    pendingTempFiles.delete(tmp);
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
  return new DataError("io-error", `${file}: cannot ${action} (${code}: ${(err as Error).message})`, {
    file,
    fix: "Check the file's permissions and the free disk space.",
  });
}
