/**
 * `sdd doctor`: find, and with `fix` repair, what crashes and other tools leave behind
 *: unparseable specs (restored from the newest valid backup, replaying the
 * recorded changes made since, with a report of what could not be recovered), leftover
 * temp files, stale locks, duplicate ids, and links to work items that do not exist.
 * A corrupt file is never deleted: it is kept beside the backups.
 */
import { copyFileSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import jsonpatch from "fast-json-patch";
import { asFileError, TEMP_SUFFIX, writeFileAtomic } from "../store/atomic.js";
import { movedSpecFile } from "../store/spec-file.js";
import { timestamp } from "../clock.js";
import { listSpecFiles, type SpecsLocation } from "../store/discovery.js";
import { SddError } from "../errors.js";
import {
  appendHistory,
  backupDir,
  BACKUPS_DIR,
  HISTORY_DIR,
  lastSeq,
  listBackups,
  readHistory,
  type HistoryEntry,
} from "../store/history.js";
import { decodeUtf8, detectStyle, JsonSource, parseJson } from "../json/source.js";
import { serializeJson } from "../json/write.js";
import { LOCK_STALE_MS, LOCKS_DIR, OWNER_SUFFIX, withSpecLockNow } from "../store/lock.js";
import { finishPendingMove } from "../store/pending-move.js";
import { displayPath } from "../paths.js";
import { isObject, SPEC_FOLDERS } from "../spec/model.js";
import { resolveWorkItemPath } from "../validate/run.js";

export interface DoctorProblem {
  kind: "unparseable" | "temp-file" | "stale-lock" | "duplicate-id" | "broken-link" | "git-command" | "unfinished-move";
  file: string;
  message: string;
  fixed: boolean;
  /** For restored specs: what the restore could not bring back. */
  lost?: string[];
  restored_from?: string;
  replayed?: number[];
}

export interface DoctorOptions {
  loc: SpecsLocation;
  cwd: string;
  env: NodeJS.ProcessEnv;
  fix: boolean;
  /** The work-item folder, whose temp files and locks doctor also checks. */
  workItemsDir?: string;
  /** Files younger than this are left alone: a live writer may still be using them. */
  minAgeMs?: number;
}

function parseable(bytes: Buffer, file: string): unknown {
  try {
    return parseJson(decodeUtf8(bytes, file).text, file);
  } catch (err) {
    if (err instanceof SddError) return undefined;
    throw err;
  }
}

/** Restore an unparseable spec: newest valid backup, then replay later history entries. */
function restore(
  specsDir: string,
  id: string,
  file: string,
  env: NodeJS.ProcessEnv,
): Omit<DoctorProblem, "kind" | "file" | "message" | "fixed"> & { ok: boolean } {
  const backups = listBackups(specsDir, id).reverse();
  const history = readHistory(specsDir, id);
  for (const b of backups) {
    const bytes = readFileSync(b.file);
    const value = parseable(bytes, b.file);
    if (value === undefined) continue;
    // Backup b holds the file as it was before write b.seq: replay b.seq and after.
    let doc: unknown = value;
    const replayed: number[] = [];
    const lost: string[] = [];
    for (const e of history.filter((h: HistoryEntry) => h.seq >= b.seq)) {
      try {
        doc = jsonpatch.applyPatch<unknown>(jsonpatch.deepClone(doc), e.patch, true, false).newDocument;
        replayed.push(e.seq);
      } catch {
        lost.push(`#${e.seq} ${e.timestamp} ${e.command} (${e.patch.length} operation(s)) does not apply to the restored state`);
      }
    }
    lost.push("any change made to the file by a tool other than sdd after its last recorded write");
    const text = decodeUtf8(bytes, b.file).text;
    const style = detectStyle(text, false);
    // Raw lexemes (3.0, \u escapes) are used only where the value is unchanged, so they are
    // safe after a replay too, and keep the restored file byte-identical to what sdd wrote.
    const out = serializeJson(doc, style, new JsonSource(text, b.file).sourceIndex.rawLexemes);
    // Keep the corrupt bytes: nothing is ever thrown away.
    copyFileSync(file, join(backupDir(specsDir, id), `corrupt-${Date.now()}.json`));
    writeFileAtomic(file, out);
    appendHistory(specsDir, id, {
      seq: lastSeq(specsDir, id) + 1,
      timestamp: timestamp(env),
      command: `doctor --fix (restored from backup ${b.seq})`,
      patch: [],
    });
    return { ok: true, restored_from: b.file, replayed, lost };
  }
  return { ok: false, lost: ["no valid backup exists; restore the file from git"] };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function ageOf(file: string, now: number): number | undefined {
  try {
    return now - statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Remove a file or an empty directory; true when it is gone. */
function removed(file: string, missingOk = false): boolean {
  try {
    rmSync(file, { recursive: false, force: missingOk });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_FS_EISDIR" || (err as NodeJS.ErrnoException).code === "EISDIR") {
      try {
        rmdirSync(file);
        return true;
      } catch {
        return false;
      }
    }
    return (err as NodeJS.ErrnoException).code === "ENOENT";
  }
}

export function runDoctor(o: DoctorOptions): DoctorProblem[] {
  const { specsDir } = o.loc;
  const minAge = o.minAgeMs ?? 60_000;
  const now = Date.now();
  const problems: DoctorProblem[] = [];
  const show = (f: string): string => displayPath(f, o.cwd);

  // A move a crash interrupted: finished (or undone) under the spec's lock.
  const historyDir = join(specsDir, HISTORY_DIR);
  for (const n of safeList(historyDir).filter((f) => f.endsWith(".move"))) {
    const id = n.slice(0, -".move".length);
    const f = join(historyDir, n);
    // A live writer holds the lock while its move is in progress: not a leftover.
    const lockAge = ageOf(join(specsDir, LOCKS_DIR, `${id}.lock`), now);
    if (lockAge !== undefined && lockAge < LOCK_STALE_MS) continue;
    const p: DoctorProblem = {
      kind: "unfinished-move",
      file: show(f),
      message: "a move between folders was interrupted; sdd doctor --fix (or the next write of the spec) finishes it",
      fixed: false,
    };
    if (o.fix) {
      try {
        const done = withSpecLockNow(specsDir, id, () => finishPendingMove(specsDir, id));
        p.fixed = true;
        p.message =
          done === undefined
            ? "the interrupted move was finished meanwhile"
            : done.outcome === "finished"
              ? `finished the interrupted move of ${id} to ${done.marker.to}`
              : `the interrupted move of ${id} had not started: the spec stays at ${done.marker.from}`;
      } catch (err) {
        if (!(err instanceof SddError)) throw err;
        p.message = err.message;
      }
    }
    problems.push(p);
  }

  // Leftover temp files: sdd's own, and the Python tool's fixed-name <id>.tmp; in the spec
  // folders, the history, each spec's backups and the work-item folder.
  const tempDirs = [
    ...["", ...SPEC_FOLDERS].map((folder) => ({ dir: join(specsDir, folder), pythonTmp: folder !== "" })),
    { dir: historyDir, pythonTmp: false },
    { dir: join(specsDir, LOCKS_DIR), pythonTmp: false },
    ...safeList(join(specsDir, BACKUPS_DIR)).map((id) => ({ dir: join(specsDir, BACKUPS_DIR, id), pythonTmp: false })),
    ...(o.workItemsDir === undefined ? [] : [{ dir: o.workItemsDir, pythonTmp: false }]),
  ];
  for (const { dir, pythonTmp } of tempDirs) {
    for (const n of safeList(dir)) {
      if (!(n.endsWith(TEMP_SUFFIX) || (pythonTmp && n.endsWith(".tmp")))) continue;
      const f = join(dir, n);
      const age = ageOf(f, now);
      if (age === undefined || age < minAge) continue;
      let fixed = false;
      if (o.fix) fixed = removed(f);
      problems.push({
        kind: "temp-file",
        file: show(f),
        message: `leftover temp file from an interrupted write (${Math.round(age / 1000)} s old)`,
        fixed,
      });
    }
  }

  // Stale locks: not refreshed within the stale time, so their holder is gone; the spec
  // locks and the work items' locks. An owner token without its lock is left by a crash.
  const lockDirs = [join(specsDir, LOCKS_DIR), ...(o.workItemsDir === undefined ? [] : [join(o.workItemsDir, LOCKS_DIR)])];
  for (const locks of lockDirs) {
    const names = safeList(locks);
    for (const n of names) {
      const f = join(locks, n);
      if (n.endsWith(".lock")) {
        const age = ageOf(f, now);
        if (age === undefined || age < LOCK_STALE_MS) continue;
        let fixed = false;
        if (o.fix) {
          // Only if it is still stale now: a writer may have taken it over meanwhile.
          const again = ageOf(f, Date.now());
          fixed = again !== undefined && again >= LOCK_STALE_MS && removed(f + OWNER_SUFFIX, true) && removed(f);
        }
        problems.push({
          kind: "stale-lock",
          file: show(f),
          message: `lock not refreshed for ${Math.round(age / 1000)} s: its holder died`,
          fixed,
        });
      } else if (n.endsWith(".lock" + OWNER_SUFFIX) && !names.includes(n.slice(0, -OWNER_SUFFIX.length))) {
        const age = ageOf(f, now);
        if (age === undefined || age < LOCK_STALE_MS) continue;
        problems.push({
          kind: "stale-lock",
          file: show(f),
          message: "the owner token of a lock that is gone (its holder was killed)",
          fixed: o.fix && removed(f),
        });
      }
    }
  }

  const byId = new Map<string, string[]>();
  for (const listed of listSpecFiles(specsDir)) {
    let ref = listed;
    let bytes: Buffer;
    try {
      bytes = readFileSync(ref.file);
    } catch (err) {
      // Moved by another process since the listing: look once where it went.
      const moved = movedSpecFile(ref.file);
      if (moved === undefined) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw asFileError(err, ref.file, "read");
      }
      ref = { ...ref, file: moved.file, folder: moved.folder };
      try {
        bytes = readFileSync(ref.file);
      } catch {
        continue;
      }
    }
    if (byId.get(ref.id)?.includes(ref.file) === true) continue;
    byId.set(ref.id, [...(byId.get(ref.id) ?? []), ref.file]);
    const value = parseable(bytes, ref.file);
    if (value === undefined) {
      const p: DoctorProblem = { kind: "unparseable", file: show(ref.file), message: "the spec does not parse", fixed: false };
      if (o.fix) {
        let r: ReturnType<typeof restore>;
        try {
          // Under the spec's lock, and only if the file is still unparseable once it is held.
          r = withSpecLockNow(specsDir, ref.id, () =>
            parseable(readFileSync(ref.file), ref.file) === undefined ? restore(specsDir, ref.id, ref.file, o.env) : { ok: true, lost: [] },
          );
        } catch (err) {
          if (!(err instanceof SddError)) throw err;
          r = { ok: false, lost: [err.message] };
        }
        p.fixed = r.ok;
        if (r.restored_from !== undefined) p.restored_from = show(r.restored_from);
        if (r.replayed !== undefined) p.replayed = r.replayed;
        if (r.lost !== undefined) p.lost = r.lost;
        p.message = r.ok
          ? `restored from backup ${show(r.restored_from ?? "")}, replaying ${r.replayed?.length ?? 0} recorded change(s); the corrupt file is kept in ${show(backupDir(specsDir, ref.id))}`
          : "the spec does not parse and has no valid backup";
      } else {
        const valid = listBackups(specsDir, ref.id).filter((b) => parseable(readFileSync(b.file), b.file) !== undefined);
        p.message =
          valid.length > 0
            ? `the spec does not parse; sdd doctor --fix restores it from backup ${show(valid[valid.length - 1]?.file ?? "")}`
            : "the spec does not parse and has no valid backup; restore it from git";
      }
      problems.push(p);
      continue;
    }
    const md = isObject(value) && isObject(value.metadata) ? value.metadata : {};
    if (
      typeof md.work_item_spec === "string" &&
      md.work_item_spec !== "" &&
      resolveWorkItemPath(ref.file, md.work_item_spec) === undefined
    ) {
      problems.push({
        kind: "broken-link",
        file: show(ref.file),
        message: `metadata.work_item_spec ${JSON.stringify(md.work_item_spec)} does not exist`,
        fixed: false,
      });
    }
  }
  for (const [id, files] of byId) {
    if (files.length < 2) continue;
    problems.push({
      kind: "duplicate-id",
      file: show(files[0] ?? ""),
      message: `spec id ${JSON.stringify(id)} is in ${files.map(show).join(" and ")}; remove the stale copy (compare last_updated)`,
      fixed: false,
    });
  }
  return problems;
}
