/** `sdd log render`: the markdown log from the work items, written, or (--check) compared. */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DataError, FindingsError, UsageError } from "../../errors.js";
import { displayPath } from "../../paths.js";
import { writeFileAtomic } from "../../store/atomic.js";
import type { SpecsLocation } from "../../store/discovery.js";
import { writesInside } from "../../store/inside.js";
import type { WorkItem } from "../model.js";
import { readItems, renderItems, worklogPlaces } from "../store.js";
import { lineDiff } from "../text-diff.js";

export interface RenderLogOptions {
  loc: SpecsLocation;
  cwd: string;
  /** Write nothing; report whether the file on disk is what would be rendered. */
  check: boolean;
  /** Where to write, instead of the configured log file (as given). */
  output?: string;
}

export type RenderLogResult =
  | { check: true; file: string; items: number; stale: boolean; diff: string[] }
  | { check: false; file: string; items: number; changed: boolean };

export function renderLogFile(o: RenderLogOptions): RenderLogResult {
  const places = worklogPlaces(o.loc);
  const { items, unreadable } = readItems(places, o.cwd);
  const bad = unreadable[0];
  if (bad !== undefined)
    throw new DataError(bad.error.code, bad.error.message, {
      file: bad.file,
      ...(bad.error.line === undefined ? {} : { line: bad.error.line, column: bad.error.column ?? 1 }),
    });
  const invalid = items.find((i) => !i.valid);
  if (invalid !== undefined) {
    throw new FindingsError("work-item-invalid", `${invalid.shown}: not a valid work item; nothing was rendered`, {
      file: invalid.shown,
      fix: "sdd log lint",
    });
  }
  const target = o.output !== undefined ? resolve(o.cwd, o.output) : places.logFile;
  // Paths a user gives never let a write land outside the project.
  if (!o.check && !writesInside(target, places.root)) {
    throw new UsageError(`--output ${o.output ?? ""} is outside the project (${places.root}); nothing was written`, {
      code: "outside-project",
    });
  }
  const text = renderItems(
    o.loc,
    places,
    items.map((i) => i.loaded.value as WorkItem),
    o.cwd,
  );
  const file = displayPath(target, o.cwd);
  const current = existsSync(target) ? readFileSync(target, "utf8") : undefined;
  if (o.check) {
    const stale = current !== text;
    return { check: true, file, items: items.length, stale, diff: stale ? lineDiff(current ?? "", text, file) : [] };
  }
  if (current !== text) writeFileAtomic(target, text);
  return { check: false, file, items: items.length, changed: current !== text };
}
