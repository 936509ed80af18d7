/**
 * `sdd undo SPEC [--to N]`: put back the state recorded after history entry N (default:
 * the one before the last), as a new transaction. The state after N is the backup taken
 * before write N+1; replaying the recorded patches from there gives what sdd last wrote.
 * Anything that differs from that was changed by another tool: undo refuses (exit 3) when
 * those changes touch the paths it would revert, and keeps them otherwise.
 */
import { readFileSync } from "node:fs";
import jsonpatch, { type Operation } from "fast-json-patch";
import { ConflictError, NotFoundError, UsageError } from "../errors.js";
import { listBackups, readHistory } from "./history.js";
import { decodeUtf8, JsonSource, parseJson } from "../json/source.js";
import { SPEC_FOLDERS, type JsonObject, type SpecFolder } from "../spec/model.js";
import type { Plan, PlanContext } from "./transaction.js";

export interface UndoResult {
  to: number;
  undone: number[];
}

const related = (a: string, b: string): boolean => a === b || a.startsWith(b + "/") || b.startsWith(a + "/");

export function planUndo(ctx: PlanContext, specsDir: string, to?: number): Plan<UndoResult> {
  const id = ctx.ref.id;
  const history = readHistory(specsDir, id);
  const last = history[history.length - 1];
  if (last === undefined)
    throw new NotFoundError("nothing-to-undo", `spec ${JSON.stringify(id)} has no recorded changes to undo`, { fix: `sdd history ${id}` });
  // A doctor restore is recorded with an empty patch: by default undo the change before it.
  const lastChange = [...history].reverse().find((e) => e.patch.length > 0 || e.moved_to !== undefined) ?? last;
  const target = to ?? lastChange.seq - 1;
  if (!Number.isInteger(target) || target < 0 || target >= last.seq)
    throw new UsageError(`--to must be a recorded change number below ${last.seq} (see sdd history ${id})`);
  const undone = history.filter((e) => e.seq > target);
  const backup = listBackups(specsDir, id).find((b) => b.seq === target + 1);
  if (backup === undefined) {
    throw new NotFoundError(
      "backup-missing",
      `cannot undo to #${target}: its backup is gone (the newest 10 are kept); restore an older state from git`,
      { fix: `sdd history ${id}` },
    );
  }
  const backupText = decodeUtf8(readFileSync(backup.file), backup.file).text;
  const base = parseJson(backupText, backup.file) as JsonObject;
  let expected: JsonObject = jsonpatch.deepClone(base) as JsonObject;
  for (const e of undone) expected = jsonpatch.applyPatch(expected, e.patch, false, false).newDocument;
  const ignore = (op: Operation): boolean => op.path !== "/last_updated";
  const external = jsonpatch.compare(expected, ctx.doc).filter(ignore);
  const revert = jsonpatch.compare(expected, base).filter(ignore);
  const clash = external.filter((x) => revert.some((r) => related(x.path, r.path)));
  if (clash.length > 0) {
    throw new ConflictError(
      "undo-conflict",
      `cannot undo: the spec was changed outside sdd at ${clash.map((c) => c.path).join(", ")}, which the undo would revert; nothing was changed`,
      {
        file: ctx.ref.file,
        fix: "edit the spec by hand, or restore it from git",
      },
    );
  }
  const firstMove = undone.find((e) => e.moved_from !== undefined);
  const plan: Plan<UndoResult> = { ops: revert, result: { to: target, undone: undone.map((e) => e.seq) } };
  // The values put back are written as the backup holds them (`1.0` stays `1.0`, an escape
  // stays an escape): undo restores the text, not only the value.
  if (revert.length > 0) plan.lexemes = new JsonSource(backupText, backup.file, base).rawLexemes;
  if (firstMove?.moved_from !== undefined && (SPEC_FOLDERS as readonly string[]).includes(firstMove.moved_from))
    plan.moveTo = firstMove.moved_from as SpecFolder;
  return plan;
}
