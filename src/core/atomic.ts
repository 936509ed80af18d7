/**
 * Durable file replacement: a unique temp file in the target's directory, fsync, rename
 * over the target, fsync the directory. A crash at any instant leaves either the old or
 * the new file, plus at worst a temp file that `sdd doctor` removes.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";

export const TEMP_SUFFIX = ".sdd-tmp";

/** Temp files this process may leave behind if interrupted; removed by the signal handler. */
export const pendingTempFiles = new Set<string>();

export function tempPathFor(target: string): string {
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
    throw err;
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
