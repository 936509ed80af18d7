/**
 * Moving specs between folders, with metadata.status kept in step, in one transaction
 * under the spec's lock. Completing requires the one definition of complete
 * and a clean journal unless forced.
 */
import jsonpatch, { type Operation } from "fast-json-patch";
import { ConflictError, FindingsError, UsageError } from "../errors.js";
import { findUnjournaled } from "../spec/journaling.js";
import { hierarchyOf } from "../spec/queries.js";
import { incompleteWork, isObject, SPEC_FOLDERS, type JsonObject, type SpecFolder } from "../spec/model.js";
import { workCounts } from "../spec/rollup.js";
import type { Plan, PlanContext } from "../spec/plan.js";

export function parseFolder(value: string): SpecFolder {
  if (!(SPEC_FOLDERS as readonly string[]).includes(value))
    throw new UsageError(`invalid folder ${JSON.stringify(value)}: use one of ${SPEC_FOLDERS.join(", ")}`);
  return value as SpecFolder;
}

function metadataOps(doc: JsonObject, edit: (md: JsonObject) => void): Operation[] {
  const before = isObject(doc.metadata) ? doc.metadata : undefined;
  const md = before === undefined ? {} : (jsonpatch.deepClone(before) as JsonObject);
  edit(md);
  if (before === undefined) return [{ op: "add", path: "/metadata", value: md }];
  return jsonpatch.compare(before, md).map((op) => ({ ...op, path: "/metadata" + op.path }) as Operation);
}

export interface MoveResult {
  from: string | null;
  to: SpecFolder;
}

/** Refuse to mark a spec completed while work is open or unjournaled, unless forced. */
export function assertCompletable(ctx: PlanContext, journaledTypes: ReadonlySet<string>, force: boolean): void {
  if (force) return;
  const h = hierarchyOf(ctx.doc);
  const open = incompleteWork(h);
  if (workCounts(h).total === 0) {
    throw new FindingsError(
      "spec-incomplete",
      `spec ${JSON.stringify(ctx.ref.id)} is not complete: it holds no work (no task, subtask or verify step)`,
      {
        file: ctx.ref.file,
        fix: `sdd add-task ${ctx.ref.id} <parent> …   # or --force`,
      },
    );
  }
  if (open.length > 0) {
    throw new FindingsError(
      "spec-incomplete",
      `spec ${JSON.stringify(ctx.ref.id)} is not complete: ${open.length} task(s) open (${open.slice(0, 5).join(", ")}${open.length > 5 ? ", ..." : ""})`,
      {
        file: ctx.ref.file,
        fix: `sdd check-complete ${ctx.ref.id}   # or --force`,
      },
    );
  }
  const unjournaled = findUnjournaled(ctx.doc, journaledTypes);
  if (unjournaled.length > 0) {
    throw new FindingsError(
      "spec-unjournaled",
      `spec ${JSON.stringify(ctx.ref.id)} has ${unjournaled.length} unjournaled node(s) (${unjournaled
        .slice(0, 5)
        .map((u) => u.node_id)
        .join(", ")})`,
      {
        file: ctx.ref.file,
        fix: `sdd check-journaling ${ctx.ref.id}   # or --force`,
      },
    );
  }
}

export function planMove(
  ctx: PlanContext,
  to: SpecFolder,
  options: { journaledTypes: ReadonlySet<string>; force: boolean; stamp?: string },
): Plan<MoveResult> {
  if (to === "completed") assertCompletable(ctx, options.journaledTypes, options.force);
  const ops = metadataOps(ctx.doc, (md) => {
    md.status = to;
    if (options.stamp !== undefined) md[options.stamp] = ctx.timestamp;
  });
  return { ops, result: { from: ctx.ref.folder ?? null, to }, moveTo: to, ...forcedInto(to, options.force) };
}

export function planActivate(ctx: PlanContext): Plan<MoveResult & { already_active: boolean }> {
  const folder = ctx.ref.folder;
  if (folder === "active") return { ops: [], result: { from: folder, to: "active", already_active: true } };
  if (folder !== "pending") {
    throw new ConflictError(
      "wrong-folder",
      `spec ${JSON.stringify(ctx.ref.id)} is in ${folder ?? "no lifecycle folder"}/, not pending/; nothing was changed`,
      {
        file: ctx.ref.file,
        fix: `sdd move-spec ${ctx.ref.id} active`,
      },
    );
  }
  const ops = metadataOps(ctx.doc, (md) => {
    md.status = "active";
    md.activated_date = ctx.timestamp;
  });
  return { ops, result: { from: folder, to: "active", already_active: false }, moveTo: "active" };
}

/** complete-spec: the completion gate, status, completed_date, actual_hours (sum over tasks) and the move. */
export function planCompleteSpec(
  ctx: PlanContext,
  journaledTypes: ReadonlySet<string>,
  force: boolean,
): Plan<MoveResult & { actual_hours: number | null }> {
  assertCompletable(ctx, journaledTypes, force);
  const h = hierarchyOf(ctx.doc);
  let hours = 0;
  let any = false;
  for (const n of Object.values(h)) {
    if (isObject(n) && n.type === "task" && isObject(n.metadata) && typeof n.metadata.actual_hours === "number") {
      hours += n.metadata.actual_hours;
      any = true;
    }
  }
  const actual = any ? Math.round(hours * 1000) / 1000 : null;
  const alreadyDone = ctx.ref.folder === "completed" && isObject(ctx.doc.metadata) && ctx.doc.metadata.status === "completed";
  const ops = alreadyDone
    ? []
    : metadataOps(ctx.doc, (md) => {
        md.status = "completed";
        md.completed_date = ctx.timestamp;
        if (actual !== null) md.actual_hours = actual;
      });
  return {
    ops,
    result: { from: ctx.ref.folder ?? null, to: "completed", actual_hours: actual },
    moveTo: "completed",
    ...forcedInto("completed", force),
  };
}

/** `--force` into completed/ files open work there on purpose: that is not a write to refuse. */
function forcedInto(to: SpecFolder, force: boolean): Pick<Plan<unknown>, "allowErrors"> {
  return to === "completed" && force ? { allowErrors: ["completed-open-work"] } : {};
}
