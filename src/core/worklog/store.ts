/**
 * Where the work items and the rendered log live, and reading and writing them with the
 * same lock-and-atomic-write rules as specs (docs/worklog.md).
 *
 * Defaults (without `workItemsDir` / `logFile` in sdd.config.json): `work-items/` and
 * `worklog.md` beside the specs directory (for `meta/sdd/specs/`: `meta/sdd/work-items/`
 * and `meta/sdd/worklog.md`).
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "../store/atomic.js";
import { timestamp } from "../clock.js";
import type { SpecsLocation } from "../store/discovery.js";
import { ConflictError, FindingsError, NotFoundError, SddError, UsageError } from "../errors.js";
import { DEFAULT_LOCK_TIMEOUT_MS, withSpecLock } from "../store/lock.js";
import { displayPath } from "../paths.js";
import { rewriteJson } from "../json/edit.js";
import { readJsonFile, type LoadedFile } from "../store/spec-file.js";
import { schemaFindings } from "../schema/validate.js";
import { DEFAULT_SECTIONS, workItemJson, type LogSection, type WorkItem } from "./index.js";

export * from "./links.js";

export interface WorklogPlaces {
  dir: string;
  logFile: string;
  sections: LogSection[];
  /** The directory links in items are relative to (the project root). */
  root: string;
}

export function worklogPlaces(loc: SpecsLocation): WorklogPlaces {
  const { config, root } = loc.config;
  const base = dirname(loc.specsDir);
  const dir = config.workItemsDir !== undefined ? resolve(root, config.workItemsDir) : join(base, "work-items");
  const logFile = config.logFile !== undefined ? resolve(root, config.logFile) : join(base, "worklog.md");
  const sections: LogSection[] = config.logSections?.map((s) =>
    s.state === "blocked"
      ? { title: s.title, state: "open", blocked: true }
      : s.state === "open"
        ? { title: s.title, state: "open", blocked: false }
        : { title: s.title, state: "done" },
  ) ?? [...DEFAULT_SECTIONS];
  return { dir, logFile, sections, root };
}

export interface StoredItem {
  file: string;
  shown: string;
  loaded: LoadedFile;
  /** Matches the work-item schema. */
  valid: boolean;
}

/**
 * Every work-item file. Files that do not parse come back in `unreadable`; items that parse
 * but do not match the schema are in `items` with `valid: false` (lint reports them; render
 * refuses them).
 */
export function readItems(places: WorklogPlaces, cwd: string): { items: StoredItem[]; unreadable: { file: string; error: SddError }[] } {
  const items: StoredItem[] = [];
  const unreadable: { file: string; error: SddError }[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(places.dir)
      .filter((n) => n.endsWith(".json") && !n.startsWith("."))
      .sort();
  } catch {
    return { items, unreadable };
  }
  for (const n of names) {
    const file = join(places.dir, n);
    const shown = displayPath(file, cwd);
    try {
      const loaded = readJsonFile(file, shown);
      items.push({ file, shown, loaded, valid: itemProblems(loaded.value) === "" });
    } catch (err) {
      if (!(err instanceof SddError)) throw err;
      unreadable.push({ file: shown, error: err });
    }
  }
  return { items, unreadable };
}

const ITEM_ID = /^[a-z0-9][a-z0-9._-]*$/;

/** The file of an item id; an id that could name a path elsewhere is refused. */
export function itemFile(places: WorklogPlaces, id: string): string {
  if (!ITEM_ID.test(id) || id.includes("..")) {
    throw new UsageError(`invalid work-item id ${JSON.stringify(id)}: lower-case letters, digits, '.', '_' and '-' only`, {
      code: "invalid-item-id",
      fix: "sdd log list",
    });
  }
  return join(places.dir, `${id}.json`);
}

/** Schema problems of a work item, as one message (empty when valid). */
export function itemProblems(value: unknown): string {
  return schemaFindings("work-item", value, "log-schema")
    .map((f) => `${f.pointer || "/"}: ${f.message}`)
    .join("; ");
}

/** Write a work item atomically under its own lock; `create` refuses to replace an existing file. */
export async function saveItem(
  places: WorklogPlaces,
  item: WorkItem,
  options: { create?: boolean; lockTimeoutMs?: number } = {},
): Promise<string> {
  const file = itemFile(places, item.id);
  await withSpecLock(places.dir, `item-${item.id}`, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, (guard) => {
    if (options.create === true && existsSync(file))
      throw new ConflictError("item-exists", `work item ${item.id} already exists: ${file}`, { file });
    // A writer that outlived its lock must not overwrite the item (exit 3, nothing written).
    writeFileAtomic(file, workItemJson(item), { beforeRename: () => guard.assertHeld() });
  });
  return file;
}

/** The id an argument names: an id, or the path of an item file inside the work-item folder. */
function itemIdOf(places: WorklogPlaces, arg: string, cwd: string): string {
  if (!arg.endsWith(".json")) return arg;
  const abs = resolve(cwd, arg);
  if (dirname(abs) !== resolve(places.dir)) {
    throw new UsageError(`${arg} is not in the work-item folder ${displayPath(places.dir, cwd)}`, { code: "outside-work-items" });
  }
  return basename(abs, ".json");
}

/**
 * Read, change and write one work item under its lock (so concurrent edits are never lost);
 * a result that does not match the work-item schema is refused with the file unchanged.
 */
export async function updateItem(
  places: WorklogPlaces,
  arg: string,
  cwd: string,
  edit: (item: WorkItem) => WorkItem,
  lockTimeoutMs = DEFAULT_LOCK_TIMEOUT_MS,
): Promise<{ file: string; before: WorkItem; item: WorkItem }> {
  const id = itemIdOf(places, arg, cwd);
  const file = itemFile(places, id);
  return withSpecLock(places.dir, `item-${id}`, lockTimeoutMs, (guard) => {
    const loaded = readItemFile(places, file, arg, cwd);
    const before = loaded.value as WorkItem;
    const item = edit(before);
    const invalid = itemProblems(item);
    if (invalid !== "")
      throw new FindingsError("work-item-invalid", `the work item would be invalid: ${invalid}; nothing was written`, { file });
    if (item.id !== id)
      throw new FindingsError("work-item-invalid", `a work item's id cannot change (${id}); nothing was written`, { file });
    // The file's own text with only the changed values rewritten; the canonical text
    // when that cannot be done.
    const canonical = workItemJson(item);
    // A writer that outlived its lock must not overwrite the item (exit 3, nothing written).
    writeFileAtomic(file, rewriteJson(loaded, loaded.value, JSON.parse(canonical)) ?? canonical, {
      beforeRename: () => guard.assertHeld(),
    });
    return { file, before, item };
  });
}

/** Read one item (validated), for commands that only look. */
export function loadItem(places: WorklogPlaces, arg: string, cwd: string): { file: string; item: WorkItem } {
  const file = itemFile(places, itemIdOf(places, arg, cwd));
  return { file, item: readValidItem(places, file, arg, cwd) };
}

function readValidItem(places: WorklogPlaces, file: string, arg: string, cwd: string): WorkItem {
  return readItemFile(places, file, arg, cwd).value as WorkItem;
}

/** The item's file as read, its value checked against the work-item schema. */
function readItemFile(places: WorklogPlaces, file: string, arg: string, cwd: string): LoadedFile {
  if (!existsSync(file)) {
    throw new NotFoundError("item-not-found", `work item ${JSON.stringify(arg)} not found in ${displayPath(places.dir, cwd)}`, {
      fix: "sdd log list",
    });
  }
  const loaded = readJsonFile(file, displayPath(file, cwd));
  const invalid = itemProblems(loaded.value);
  if (invalid !== "")
    throw new FindingsError("work-item-invalid", `${displayPath(file, cwd)}: not a valid work item: ${invalid}`, {
      file,
      fix: "sdd log lint",
    });
  return loaded;
}

export function today(env: NodeJS.ProcessEnv): string {
  return timestamp(env).slice(0, 10);
}

export function allIds(places: WorklogPlaces): string[] {
  try {
    return readdirSync(places.dir)
      .filter((n) => n.endsWith(".json"))
      .map((n) => n.slice(0, -5));
  } catch {
    return [];
  }
}
