/** The work-item log's part of `sdd ci`: lint every work item and check the rendered log is current. */
import { existsSync, readFileSync } from "node:fs";
import type { CiOptions, CiStep } from "./run.js";
import { unreadableFinding, type Finding } from "../findings.js";
import { displayPath } from "../paths.js";
import { lintStoredItems, readItems, renderItems, worklogPlaces } from "../worklog/store.js";
import type { WorkItem } from "../worklog/index.js";

export function logCiStep(o: CiOptions): { step: CiStep; findings: Finding[] } {
  const places = worklogPlaces(o.loc);
  const shownLog = displayPath(places.logFile, o.cwd);
  if (!existsSync(places.dir) && !existsSync(places.logFile)) {
    return {
      step: {
        name: "work-item log",
        ok: true,
        exit_code: 0,
        summary: { skipped: `no work-item folder (${displayPath(places.dir, o.cwd)})` },
      },
      findings: [],
    };
  }
  const { items, unreadable } = readItems(places, o.cwd);
  const findings: Finding[] = unreadable.map((u) => unreadableFinding(u.error, u.file));
  findings.push(...lintStoredItems(o.loc, places, items, o.cwd));
  const rendered = items.every((i) => i.valid)
    ? renderItems(
        o.loc,
        places,
        items.map((i) => i.loaded.value as WorkItem),
        o.cwd,
      )
    : "";
  const current = existsSync(places.logFile) ? readFileSync(places.logFile, "utf8") : undefined;
  // The log of invalid items can't be rendered; lint already reports them.
  const stale = unreadable.length === 0 && items.every((i) => i.valid) && current !== rendered;
  if (stale) {
    findings.push({
      code: "log-stale",
      severity: "error",
      message:
        current === undefined
          ? "the work-item log has not been rendered; run sdd log render"
          : "the work-item log differs from what the work items render; run sdd log render (sdd log render --check shows the difference)",
      file: shownLog,
      pointer: "",
      line: 1,
      column: 1,
    });
  }
  const errors = findings.filter((f) => f.severity === "error").length;
  return {
    step: {
      name: "work-item log",
      ok: errors === 0,
      exit_code: unreadable.length > 0 ? 4 : errors > 0 ? 1 : 0,
      summary: { items: items.length, stale, errors },
    },
    findings,
  };
}
