/** `sdd log lint`: markdown log files in place, or (with none named) every JSON work item. */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ExitCodeValue } from "../../errors.js";
import { compareFindings, exitCodeFor, unreadableFinding, type Finding } from "../../findings.js";
import { displayPath } from "../../paths.js";
import type { SpecsLocation } from "../../store/discovery.js";
import { applyRuleConfig } from "../../validate/run.js";
import { lintLog } from "../lint.js";
import { isTemplateFile } from "../model.js";
import { lintCallbacks, lintStoredItems, readItems, worklogPlaces } from "../store.js";

export interface LintLogsOptions {
  loc: SpecsLocation;
  cwd: string;
  /** Markdown log files; none: the JSON work items. */
  files: readonly string[];
}

export interface LintLogsResult {
  /** What was linted, as users see it: the files named, or the work-item folder. */
  targets: string[];
  /** Template files named, not linted (their entries are placeholders by design). */
  templates: string[];
  findings: Finding[];
  exitCode: ExitCodeValue;
}

export function lintLogs(o: LintLogsOptions): LintLogsResult {
  const places = worklogPlaces(o.loc);
  let findings: Finding[] = [];
  const templates: string[] = [];
  let unreadable = 0;
  let missing = 0;
  if (o.files.length > 0) {
    const callbacks = lintCallbacks(o.loc, places, o.cwd);
    for (const f of o.files) {
      const abs = resolve(o.cwd, f);
      const shown = displayPath(abs, o.cwd);
      if (!existsSync(abs)) {
        missing++;
        findings.push({ code: "file-not-found", severity: "error", message: `${shown}: no such file`, file: shown, pointer: "" });
        continue;
      }
      if (isTemplateFile(abs)) {
        templates.push(shown);
        continue;
      }
      findings.push(...lintLog(readFileSync(abs, "utf8"), { file: shown, ...callbacks }));
    }
  } else {
    const { items, unreadable: bad } = readItems(places, o.cwd);
    unreadable = bad.length;
    for (const b of bad) findings.push(unreadableFinding(b.error, b.file));
    findings.push(...lintStoredItems(o.loc, places, items, o.cwd));
  }
  findings = applyRuleConfig(findings, o.loc.config.config.rules).sort(compareFindings);
  return {
    targets: o.files.length > 0 ? [...o.files] : [displayPath(places.dir, o.cwd)],
    templates,
    findings,
    exitCode: exitCodeFor({ missing, unreadable, findings }),
  };
}
