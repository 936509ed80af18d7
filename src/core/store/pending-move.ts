/**
 * A move between folders that also changes the content is two renames (the file into the
 * new folder, then the new content over it), so a crash between them would leave a third
 * state: the new folder with the old content. Before the first rename, the transaction
 * writes the new content to a temp file in the new folder (fsynced) and a marker
 * `<specs>/.history/<id>.move` naming both states; the marker goes once the history entry
 * is recorded. Whoever next takes the spec's lock (the next write, or `doctor --fix`) finds
 * a marker left by a crash and finishes the move, or, when its new content is gone, puts the
 * spec back where it was: the spec is always either as before or as after.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { discardTemp, fsyncDir, writeFileAtomic } from "./atomic.js";
import { DataError } from "../errors.js";
import { appendHistory, HISTORY_DIR, lastSeq, ownDir, type HistoryEntry } from "./history.js";

export interface MoveMarker {
  /** Paths relative to the specs directory. */
  from: string;
  to: string;
  temp: string;
  /** sha256 of the file before and after the move. */
  before: string;
  after: string;
  entry: HistoryEntry;
}

export function markerFile(specsDir: string, id: string): string {
  return join(specsDir, HISTORY_DIR, `${id}.move`);
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Write the marker; `beforeRename` (the lock check) runs right before it is put in place: a
 * writer that lost its lock must not leave a marker the next holder would act on.
 */
export function writeMarker(specsDir: string, id: string, marker: MoveMarker, beforeRename?: () => void): void {
  ownDir(join(specsDir, HISTORY_DIR));
  writeFileAtomic(markerFile(specsDir, id), JSON.stringify(marker) + "\n", beforeRename === undefined ? {} : { beforeRename });
}

/** Remove the marker if it is still the one this process wrote (after a lost lock: nothing of it may stay). */
export function dropOwnMarker(specsDir: string, id: string, marker: MoveMarker): void {
  const file = markerFile(specsDir, id);
  try {
    if (readFileSync(file, "utf8") === JSON.stringify(marker) + "\n") unlinkSync(file);
  } catch {
    // gone already
  }
}

export function readMarker(specsDir: string, id: string): MoveMarker | undefined {
  const file = markerFile(specsDir, id);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as MoveMarker;
  } catch {
    // A marker is written atomically, so a torn one is not ours: report it, touch nothing.
    throw new DataError("move-marker-invalid", `${file}: the record of an unfinished move does not parse`, {
      file,
      fix: `inspect the spec's folders, then remove ${file}`,
    });
  }
}

function hashOf(file: string): string | undefined {
  try {
    return sha256(readFileSync(file));
  } catch {
    return undefined;
  }
}

export interface FinishedMove {
  outcome: "finished" | "rolled-back";
  marker: MoveMarker;
}

/**
 * Finish (or undo) a move a crash interrupted; the caller holds the spec's lock. Returns
 * undefined when no move is pending. A state the marker does not explain is a DataError
 * (exit 4) and nothing is touched.
 */
export function finishPendingMove(specsDir: string, id: string): FinishedMove | undefined {
  const marker = readMarker(specsDir, id);
  if (marker === undefined) return undefined;
  const from = join(specsDir, marker.from);
  const to = join(specsDir, marker.to);
  const temp = join(specsDir, marker.temp);
  const file = markerFile(specsDir, id);
  let outcome: FinishedMove["outcome"];
  if (existsSync(temp) && hashOf(temp) === marker.after) {
    // The new content is complete (fsynced before the marker was written): roll forward.
    if (existsSync(from) && !existsSync(to)) renameSync(from, to);
    renameSync(temp, to);
    if (existsSync(from) && hashOf(from) === marker.before) unlinkSync(from);
    fsyncDir(dirname(from));
    fsyncDir(dirname(to));
    outcome = "finished";
  } else if (hashOf(to) === marker.after) {
    if (existsSync(from) && hashOf(from) === marker.before) unlinkSync(from);
    outcome = "finished";
  } else if (hashOf(to) === marker.before && !existsSync(from)) {
    renameSync(to, from);
    fsyncDir(dirname(to));
    fsyncDir(dirname(from));
    outcome = "rolled-back";
  } else if (hashOf(from) === marker.before && !existsSync(to)) {
    outcome = "rolled-back";
  } else {
    throw new DataError(
      "move-unfinished",
      `${file}: a move of spec ${JSON.stringify(id)} from ${marker.from} to ${marker.to} was interrupted, and neither file holds a state it recorded`,
      { file, fix: `compare the spec files by hand, keep one, then remove ${file}` },
    );
  }
  if (existsSync(temp)) discardTemp(temp);
  if (outcome === "finished" && lastSeq(specsDir, id) < marker.entry.seq) appendHistory(specsDir, id, marker.entry);
  try {
    unlinkSync(file);
  } catch (err) {
    // Removed meanwhile by the writer that made it, fenced after it had lost its lock.
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fsyncDir(dirname(file));
  return { outcome, marker };
}
