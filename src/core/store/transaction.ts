/**
 * The one transaction behind every command that writes a spec:
 * lock (by spec id) → finish a move a crash interrupted → re-resolve and re-read the file →
 * plan (an RFC 6902 patch) → apply → roll-ups → refuse new validation errors → backup →
 * check the lock is still ours and the file is the one read → atomic write → history → unlock.
 * `dryRun` stops after the plan and returns the patch that would be written.
 */
import { mkdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import jsonpatch, { type Operation } from "fast-json-patch";
import { asFileError, discardTemp, fsyncDir, pendingTempFiles, writeFileAtomic, writeTempFile } from "./atomic.js";
import { timestamp } from "../clock.js";
import { resolveSpec } from "./discovery.js";
import type { Plan, PlanContext, SpecRef } from "../spec/plan.js";
import { ConflictError, FindingsError, SddError, UsageError } from "../errors.js";
import type { RawFinding } from "../findings.js";
import { appendHistory, checkHistoryWritable, lastSeq, backupSpec } from "./history.js";
import { rewriteJson } from "../json/edit.js";
import { serializeJson } from "../json/write.js";
import { DEFAULT_LOCK_TIMEOUT_MS, stopPoint, withSpecLock, type LockGuard } from "./lock.js";
import { readJsonFile, type LoadedFile } from "./spec-file.js";
import { applyRollup, touchedNodes, type RollupChange } from "../spec/rollup.js";
import { DEFAULT_JOURNALED_TYPES, isObject, type JsonObject } from "../spec/model.js";
import { specFindings } from "../spec/check.js";
import { dropOwnMarker, finishPendingMove, markerFile, sha256, writeMarker } from "./pending-move.js";

export type { Plan, PlanContext } from "../spec/plan.js";

export interface TransactionOptions {
  specsDir: string;
  /** The spec argument as the user gave it (id or path). */
  spec: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  command: string;
  dryRun?: boolean;
  lockTimeoutMs?: number;
  journaledTypes?: readonly string[];
  /** Write a file with duplicate keys, keeping the last of each (only `sdd fix` asks). */
  collapseDuplicateKeys?: boolean;
}

export interface TransactionResult<T> {
  spec_id: string;
  file: string;
  changed: boolean;
  dry_run: boolean;
  /** The whole change, roll-ups included, as an RFC 6902 patch. */
  patch: Operation[];
  rollup: RollupChange[];
  result: T;
  history_seq?: number;
  moved_from?: string;
  /** The spec before and after the change (after = as written, or as it would be on a dry run). */
  before?: JsonObject;
  after?: JsonObject;
  /** The transaction's time, stamped on what it wrote. */
  timestamp?: string;
  /** Problems after the change was written (it stands): e.g. the history could not be appended. */
  warnings?: string[];
}

/** What identifies the file that was read: a writer that replaced it made a new inode. */
function identityOf(file: string): string | undefined {
  try {
    const st = statSync(file);
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function assertSameFile(file: string, read: string | undefined): void {
  if (identityOf(file) !== read) {
    throw new ConflictError(
      "spec-changed",
      `${file} was replaced by another process while this one held its lock (this process stalled past the lock's stale time); nothing was written`,
      { file, fix: "Retry the command." },
    );
  }
}

function errorKeys(findings: RawFinding[]): Set<string> {
  return new Set(findings.filter((f) => f.severity === "error").map((f) => `${f.code} ${f.pointer}`));
}

function pureFindings(doc: unknown, ref: SpecRef): RawFinding[] {
  return specFindings(doc, { fileStem: ref.id, folder: ref.folder });
}

/** A spec given as a path may point anywhere; a write must stay inside the specs directory. */
function assertInsideSpecsDir(ref: SpecRef, specsDir: string): void {
  // Compare real directories: the temp file and the rename land in the file's directory.
  const rel = relative(realpathSync(specsDir), realpathSync(dirname(ref.file)));
  if (rel === ".." || rel.startsWith(".." + sep) || isAbsolute(rel)) {
    throw new UsageError(`${ref.file} is outside the specs directory ${specsDir}; sdd only changes specs inside it`, {
      code: "outside-specs-dir",
      fix: `pass --specs-dir for the specs tree that holds ${ref.file}, or give the spec id`,
    });
  }
}

/**
 * The new file text: the old text with only the changed values rewritten (every other byte
 * kept); the whole document in the file's style when the text cannot be edited in place
 * or the edit would not read back as the new value.
 */
function writeBack(
  loaded: LoadedFile,
  before: unknown,
  after: unknown,
  patch: readonly Operation[],
  lexemes?: ReadonlyMap<string, string>,
): string {
  return rewriteJson(loaded, before, after, patch, lexemes) ?? serializeJson(after, loaded.style, lexemesFor(loaded, lexemes));
}

/** The file's own raw texts, and the plan's for what it writes back (the file's win where both have one). */
function lexemesFor(loaded: LoadedFile, lexemes: ReadonlyMap<string, string> | undefined): ReadonlyMap<string, string> {
  const own = loaded.source.lexemesForWrite(loaded.style);
  return lexemes === undefined || lexemes.size === 0 ? own : new Map([...lexemes, ...own]);
}

export async function transact<T>(options: TransactionOptions, planner: (ctx: PlanContext) => Plan<T>): Promise<TransactionResult<T>> {
  const first = resolveSpec(options.spec, options.specsDir, options.cwd);
  assertInsideSpecsDir(first, options.specsDir);
  const key = first.id;
  const run = (guard: LockGuard | undefined): TransactionResult<T> => {
    // A move a crash interrupted is finished (or undone) first, so this change starts from
    // one whole state.
    if (guard !== undefined) {
      stopPoint("after-lock");
      finishPendingMove(options.specsDir, key);
    }
    // Re-resolve under the lock: another process may have moved the spec meanwhile.
    const ref = first.folder === undefined ? first : resolveSpec(key, options.specsDir, options.cwd);
    const readIdentity = identityOf(ref.file);
    const loaded = readJsonFile(ref.file);
    guard?.refresh();
    if (!isObject(loaded.value)) {
      throw new FindingsError("spec-not-object", `${ref.file}: a spec must be a JSON object`, { file: ref.file, line: 1, column: 1 });
    }
    const before = loaded.value;
    // JSON.parse kept the last of each duplicated key; writing that back would silently
    // drop the others, so a write is refused until someone chooses.
    const duplicates = loaded.source.duplicateKeys;
    const collapsing = duplicates.length > 0 && options.collapseDuplicateKeys === true;
    if (duplicates.length > 0 && !collapsing) {
      const d = duplicates[0] as (typeof duplicates)[number];
      const at = loaded.source.position(d.offset);
      throw new FindingsError(
        "duplicate-keys",
        `${ref.file}:${at.line}:${at.column}: key ${JSON.stringify(d.key)} appears more than once at ${d.pointer || "/"}${duplicates.length > 1 ? ` (and ${duplicates.length - 1} more duplicate key(s))` : ""}; refusing to write, which would keep only the last value; nothing was written`,
        {
          file: ref.file,
          line: at.line,
          column: at.column,
          fix: `keep one of the members by hand, or sdd fix ${ref.id} (keeps the last of each)`,
        },
      );
    }
    const ts = timestamp(options.env);
    const plan = planner({ doc: before, ref, timestamp: ts });
    // structuredClone, not a JSON round trip: 1E400 parses to Infinity, which JSON turns into null.
    const after = structuredClone(before);
    try {
      jsonpatch.applyPatch(after, plan.ops, true, true);
    } catch (err) {
      if (err instanceof SddError) throw err;
      throw new FindingsError("patch-failed", `${ref.file}: the change does not apply: ${(err as Error).message.split("\n")[0] ?? ""}`, {
        file: ref.file,
      });
    }
    const journaled = new Set(options.journaledTypes ?? DEFAULT_JOURNALED_TYPES);
    const changedNodes = plan.fullRollup === true ? undefined : touchedNodes(plan.ops);
    const rollup = applyRollup(after, {
      timestamp: ts,
      journaledTypes: journaled,
      ...(changedNodes === undefined ? {} : { changed: changedNodes }),
    });
    if (plan.afterRollup !== undefined) {
      jsonpatch.applyPatch(after, plan.afterRollup(after, rollup), true, true);
    }
    const contentOps = jsonpatch.compare(before, after);
    const moving = plan.moveTo !== undefined && plan.moveTo !== ref.folder;
    const changed = contentOps.length > 0 || moving || collapsing;
    let patch = contentOps;
    if (changed && typeof after.last_updated === "string") {
      after.last_updated = ts;
      // The stamp as the one operation on last_updated (a second compare of a large spec
      // would cost as much as the first); compare lists it last, as a top-level key near
      // the top of the file.
      if (before.last_updated !== ts) {
        patch = contentOps.filter((op) => op.path !== "/last_updated");
        patch.push(
          typeof before.last_updated === "undefined"
            ? { op: "add", path: "/last_updated", value: ts }
            : { op: "replace", path: "/last_updated", value: ts },
        );
      }
    }
    const target = moving ? join(options.specsDir, plan.moveTo as string, `${ref.id}.json`) : ref.file;
    const base: TransactionResult<T> = {
      spec_id: ref.id,
      file: target,
      changed,
      dry_run: options.dryRun === true,
      patch,
      rollup,
      result: plan.result,
    };
    // Not enumerable: reports spread the result; the documents are for callers that need them.
    Object.defineProperty(base, "before", { value: before, enumerable: false });
    Object.defineProperty(base, "after", { value: after, enumerable: false });
    Object.defineProperty(base, "timestamp", { value: ts, enumerable: false });
    if (moving) base.moved_from = ref.file;
    if (!changed) return base;

    const afterFindings = pureFindings(after, { ...ref, folder: moving ? plan.moveTo : ref.folder });
    if (errorKeys(afterFindings).size > 0) {
      const old = errorKeys(pureFindings(before, ref));
      const fresh = afterFindings.filter(
        (f) => f.severity === "error" && !old.has(`${f.code} ${f.pointer}`) && !(plan.allowErrors ?? []).includes(f.code),
      );
      if (fresh.length > 0) {
        throw new FindingsError(
          "would-be-invalid",
          `${ref.file}: refusing to write: the change would make the spec invalid: ${fresh.map((f) => `${f.pointer || "/"}: ${f.message} [${f.code}]`).join("; ")}`,
          {
            file: ref.file,
            fix: `sdd validate ${ref.id}`,
          },
        );
      }
    }
    if (options.dryRun === true) return base;

    guard?.refresh();
    const text = collapsing
      ? serializeJson(after, loaded.style, lexemesFor(loaded, plan.lexemes))
      : writeBack(loaded, before, after, patch, plan.lexemes);
    guard?.refresh();
    checkHistoryWritable(options.specsDir, ref.id);
    const seq = lastSeq(options.specsDir, ref.id) + 1;
    const mode = statSync(ref.file).mode & 0o7777;
    backupSpec(options.specsDir, ref.id, seq, ref.file, mode);
    const entry = {
      seq,
      timestamp: ts,
      command: options.command,
      patch,
      ...(moving ? { moved_to: plan.moveTo as string, ...(ref.folder === undefined ? {} : { moved_from: ref.folder }) } : {}),
    };
    // Right before the file is replaced: the lock is still this process's own, and the
    // file is still the one it read (a writer that outlived its lock cannot overwrite).
    const fence = (file: string): void => {
      stopPoint("before-write");
      guard?.assertHeld();
      assertSameFile(file, readIdentity);
    };
    if (moving) {
      mkdirSync(dirname(target), { recursive: true });
      const tmp = writeTempFile(target, text);
      const rel = (f: string): string => relative(options.specsDir, f);
      const marker = {
        from: rel(ref.file),
        to: rel(target),
        temp: rel(tmp),
        before: sha256(readFileSync(ref.file)),
        after: sha256(text),
        entry,
      };
      let marked = false;
      try {
        // Writing the temp file may outlast the lock: the marker goes in place only while
        // the lock is still this process's own, or the next holder would act on it.
        writeMarker(options.specsDir, ref.id, marker, () => guard?.assertHeld());
        marked = true;
        // From here a crash is finished by the next holder of the lock: the temp file
        // must survive an interrupt.
        pendingTempFiles.delete(tmp);
        fence(ref.file);
      } catch (err) {
        if (marked) dropOwnMarker(options.specsDir, ref.id, marker);
        discardTemp(tmp);
        throw err;
      }
      try {
        // The file first, then its new content: at every instant exactly one file holds the id.
        renameSync(ref.file, target);
        renameSync(tmp, target);
      } catch (err) {
        throw asFileError(err, target, "move the spec to");
      }
      fsyncDir(dirname(ref.file));
      fsyncDir(dirname(target));
    } else {
      writeFileAtomic(target, text, { beforeRename: () => fence(ref.file) });
    }
    // The change is written and stands: a history that cannot be appended is reported, not
    // turned into a failure that a retry would apply twice.
    const warnings: string[] = [];
    try {
      appendHistory(options.specsDir, ref.id, entry);
      base.history_seq = seq;
    } catch (err) {
      if (!(err instanceof SddError)) throw err;
      warnings.push(`the change was written, but not recorded in the history: ${err.message}`);
    }
    if (moving) {
      try {
        unlinkSync(markerFile(options.specsDir, ref.id));
      } catch (err) {
        warnings.push(
          `the change was written, but its move record could not be removed: ${(asFileError(err, markerFile(options.specsDir, ref.id), "remove") as Error).message}`,
        );
      }
    }
    if (warnings.length > 0) base.warnings = warnings;
    return base;
  };
  if (options.dryRun === true) return run(undefined);
  stopPoint("before-lock");
  return withSpecLock(options.specsDir, key, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, (guard) => run(guard));
}
