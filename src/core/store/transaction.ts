/**
 * The one transaction behind every command that writes a spec (CONTRACT 6):
 * lock (by spec id) → re-resolve and re-read the file → plan (an RFC 6902 patch) → apply →
 * roll-ups → refuse new validation errors → backup → atomic write → history → unlock.
 * `dryRun` stops after the plan and returns the patch that would be written.
 */
import { mkdirSync, readFileSync, realpathSync, renameSync } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import jsonpatch, { type Operation } from "fast-json-patch";
import { fsyncDir, writeFileAtomic } from "./atomic.js";
import { timestamp } from "../clock.js";
import { resolveSpec } from "./discovery.js";
import type { Plan, PlanContext, SpecRef } from "../spec/plan.js";
import { FindingsError, SddError, UsageError } from "../errors.js";
import type { RawFinding } from "../findings.js";
import { appendHistory, lastSeq, writeBackup } from "./history.js";
import { serializeJson } from "../json/write.js";
import { DEFAULT_LOCK_TIMEOUT_MS, withSpecLock } from "./lock.js";
import { readJsonFile } from "./spec-file.js";
import { applyRollup, type RollupChange } from "../spec/rollup.js";
import { DEFAULT_JOURNALED_TYPES, isObject, type JsonObject } from "../spec/model.js";
import { specFindings } from "../spec/check.js";

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
}

function errorKeys(findings: RawFinding[]): Set<string> {
  return new Set(findings.filter((f) => f.severity === "error").map((f) => `${f.code} ${f.pointer}`));
}

function pureFindings(doc: unknown, ref: SpecRef): RawFinding[] {
  return specFindings(doc, { fileStem: ref.id, folder: ref.folder });
}

/** A spec given as a path may point anywhere; a write must stay inside the specs directory (CONTRACT 3). */
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

export async function transact<T>(options: TransactionOptions, planner: (ctx: PlanContext) => Plan<T>): Promise<TransactionResult<T>> {
  const first = resolveSpec(options.spec, options.specsDir, options.cwd);
  assertInsideSpecsDir(first, options.specsDir);
  const key = first.id;
  const run = (): TransactionResult<T> => {
    // Re-resolve under the lock: another process may have moved the spec meanwhile.
    const ref = first.folder === undefined ? first : resolveSpec(key, options.specsDir, options.cwd);
    const loaded = readJsonFile(ref.file);
    if (!isObject(loaded.value)) {
      throw new FindingsError("spec-not-object", `${ref.file}: a spec must be a JSON object`, { file: ref.file, line: 1, column: 1 });
    }
    const before = loaded.value;
    const ts = timestamp(options.env);
    const plan = planner({ doc: before, ref, timestamp: ts });
    const after = jsonpatch.deepClone(before) as JsonObject;
    try {
      jsonpatch.applyPatch(after, plan.ops, true, true);
    } catch (err) {
      if (err instanceof SddError) throw err;
      throw new FindingsError("patch-failed", `${ref.file}: the change does not apply: ${(err as Error).message.split("\n")[0] ?? ""}`, {
        file: ref.file,
      });
    }
    const journaled = new Set(options.journaledTypes ?? DEFAULT_JOURNALED_TYPES);
    const rollup = applyRollup(after, { timestamp: ts, journaledTypes: journaled });
    if (plan.afterRollup !== undefined) {
      jsonpatch.applyPatch(after, plan.afterRollup(after, rollup), true, true);
    }
    const contentOps = jsonpatch.compare(before, after);
    const moving = plan.moveTo !== undefined && plan.moveTo !== ref.folder;
    const changed = contentOps.length > 0 || moving;
    if (changed && typeof after.last_updated === "string") after.last_updated = ts;
    const patch = jsonpatch.compare(before, after);
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
      const fresh = afterFindings.filter((f) => f.severity === "error" && !old.has(`${f.code} ${f.pointer}`));
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

    const text = serializeJson(after, loaded.style, loaded.source.lexemesForWrite(loaded.style));
    const seq = lastSeq(options.specsDir, ref.id) + 1;
    writeBackup(options.specsDir, ref.id, seq, readFileSync(ref.file));
    guardRef.current?.assertHeld();
    if (moving) {
      // Rename first, then replace the content: a crash in between leaves one file (in the
      // new folder, with the old content), never two copies of one id.
      mkdirSync(dirname(target), { recursive: true });
      renameSync(ref.file, target);
      fsyncDir(dirname(ref.file));
      fsyncDir(dirname(target));
    }
    writeFileAtomic(target, text, { beforeRename: () => guardRef.current?.assertHeld() });
    const entry = {
      seq,
      timestamp: ts,
      command: options.command,
      patch,
      ...(moving ? { moved_to: plan.moveTo as string, ...(ref.folder === undefined ? {} : { moved_from: ref.folder }) } : {}),
    };
    appendHistory(options.specsDir, ref.id, entry);
    base.history_seq = seq;
    return base;
  };
  const guardRef: { current?: { assertHeld(): void } } = {};
  if (options.dryRun === true) return run();
  return withSpecLock(options.specsDir, key, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, (guard) => {
    guardRef.current = guard;
    return run();
  });
}
