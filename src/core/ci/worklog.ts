/**
 * The work-item log's part of `sdd ci`: lint every work item and check the rendered log is
 * current; lint every hand-written markdown log the config names, in place.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { CiOptions, CiStep } from "./run.js";
import { exitCodeFor, unreadableFinding, type Finding } from "../findings.js";
import { ExitCode } from "../errors.js";
import { displayPath } from "../paths.js";
import { applyRuleConfig } from "../validate/run.js";
import { lintCallbacks, lintStoredItems, readItems, renderItems, worklogPlaces, type WorklogPlaces } from "../worklog/store.js";
import { importLog, isTemplateFile, lintLog, workItemJson, type WorkItem } from "../worklog/index.js";

/** The hand-written logs linted when `logs` is not configured (the layout the Python tool's teams use). */
export const DEFAULT_HAND_LOGS = ["meta/memory_bank/current_tasks.md", "meta/memory_bank/branch_updates/*.md"];

const SKIP_DIRS = new Set(["node_modules", ".git"]);

function segmentRegex(segment: string): RegExp {
  const body = segment
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${body}$`);
}

/** Files matching a path or glob (`*`, `?` within a name, `**` across folders) under `root`, sorted. */
export function expandGlob(root: string, pattern: string): string[] {
  const parts = pattern.split(/[\\/]+/).filter((p) => p !== "" && p !== ".");
  const out = new Set<string>();
  const walk = (dir: string, i: number): void => {
    if (i === parts.length) {
      if (existsSync(dir) && statSync(dir).isFile()) out.add(dir);
      return;
    }
    const part = parts[i] as string;
    if (part === "**") {
      walk(dir, i + 1);
      for (const name of safeList(dir)) {
        const next = join(dir, name);
        if (!name.startsWith(".") && !SKIP_DIRS.has(name) && isDir(next)) walk(next, i);
      }
      return;
    }
    if (!/[*?]/.test(part)) {
      walk(join(dir, part), i + 1);
      return;
    }
    const re = segmentRegex(part);
    for (const name of safeList(dir)) if (re.test(name) && !name.startsWith(".")) walk(join(dir, name), i + 1);
  };
  walk(resolve(root), 0);
  return [...out].sort();
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Every hand-written log in scope: the configured globs (or the defaults), templates and the rendered log left out. */
export function handLogFiles(o: CiOptions, places: WorklogPlaces): string[] {
  const root = o.loc.config.root;
  const patterns = o.loc.config.config.logs ?? DEFAULT_HAND_LOGS;
  const files = new Set<string>();
  for (const p of patterns) for (const f of expandGlob(root, p)) files.add(f);
  const rendered = resolve(places.logFile);
  return [...files].filter((f) => f.endsWith(".md") && !isTemplateFile(f) && resolve(f) !== rendered && !isOutside(root, f)).sort();
}

function isOutside(root: string, file: string): boolean {
  const rel = relative(resolve(root), resolve(file));
  return rel.startsWith(`..${sep}`) || rel === "..";
}

/** The content of a work item without its id: the same entry, whichever id it was given. */
function contentKey(item: WorkItem): string {
  return workItemJson({ ...item, id: "" });
}

function entryKeys(files: string[]): Set<string> {
  const keys = new Set<string>();
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch {
      continue;
    }
    for (const i of importLog(text, { today: "2000-01-01" }).items) keys.add(contentKey(i.item));
  }
  return keys;
}

export function logCiStep(o: CiOptions): { step: CiStep; findings: Finding[] } {
  const places = worklogPlaces(o.loc);
  const shownLog = displayPath(places.logFile, o.cwd);
  if (!existsSync(places.dir) && !existsSync(places.logFile)) {
    return {
      step: {
        name: "work-item log",
        ok: true,
        exit_code: ExitCode.ok,
        summary: { skipped: `no work-item folder (${displayPath(places.dir, o.cwd)})` },
      },
      findings: [],
    };
  }
  const { items, unreadable } = readItems(places, o.cwd);
  const findings: Finding[] = unreadable.map((u) => unreadableFinding(u.error, u.file));
  // An item imported unchanged from a hand-written log in scope is linted there, at its line:
  // linting it twice would report each problem twice.
  const inLogs = entryKeys(handLogFiles(o, places));
  const own = items.filter((i) => !(i.valid && inLogs.has(contentKey(i.loaded.value as WorkItem))));
  findings.push(...applyRuleConfig(lintStoredItems(o.loc, places, own, o.cwd), o.loc.config.config.rules));
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
    findings.push(
      ...applyRuleConfig(
        [
          {
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
          },
        ],
        o.loc.config.config.rules,
      ),
    );
  }
  const errors = findings.filter((f) => f.severity === "error").length;
  return {
    step: {
      name: "work-item log",
      ok: errors === 0,
      exit_code: exitCodeFor({ unreadable: unreadable.length, errors }),
      summary: { items: items.length, linked_in_logs: items.length - own.length, stale, errors },
    },
    findings,
  };
}

/** Lint the hand-written markdown logs in place (`logs` in sdd.config.json; default DEFAULT_HAND_LOGS). */
export function handLogsCiStep(o: CiOptions): { step: CiStep; findings: Finding[] } {
  const places = worklogPlaces(o.loc);
  const files = handLogFiles(o, places);
  if (files.length === 0) {
    return {
      step: {
        name: "hand-written logs",
        ok: true,
        exit_code: ExitCode.ok,
        summary: { skipped: "no hand-written log in scope (logs in sdd.config.json)" },
      },
      findings: [],
    };
  }
  const callbacks = lintCallbacks(o.loc, places, o.cwd);
  const raw: Finding[] = [];
  for (const f of files) raw.push(...lintLog(readFileSync(f, "utf8"), { file: displayPath(f, o.cwd), ...callbacks }));
  const findings = applyRuleConfig(raw, o.loc.config.config.rules);
  const errors = findings.filter((f) => f.severity === "error").length;
  return {
    step: { name: "hand-written logs", ok: errors === 0, exit_code: exitCodeFor({ errors }), summary: { files: files.length, errors } },
    findings,
  };
}
