/**
 * Where the work items and the rendered log live, and reading and writing them with the
 * same lock-and-atomic-write rules as specs (docs/worklog.md).
 *
 * Defaults (without `workItemsDir` / `logFile` in sdd.config.json): `work-items/` and
 * `worklog.md` beside the specs directory (for `meta/sdd/specs/`: `meta/sdd/work-items/`
 * and `meta/sdd/worklog.md`).
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "../store/atomic.js";
import { timestamp } from "../clock.js";
import { listSpecFiles, resolveSpec, type SpecsLocation } from "../store/discovery.js";
import { ConflictError, FindingsError, NotFoundError, SddError, UsageError } from "../errors.js";
import type { Finding } from "../findings.js";
import { DEFAULT_LOCK_TIMEOUT_MS, withSpecLock } from "../store/lock.js";
import { displayPath } from "../paths.js";
import { progressOf } from "../spec/queries.js";
import { rewriteJson } from "../json/edit.js";
import { readJsonFile, type LoadedFile } from "../store/spec-file.js";
import { isObject } from "../spec/model.js";
import { schemaFindings } from "../schema/validate.js";
import { resolveWorkItemPath } from "../validate/run.js";
import {
  DEFAULT_SECTIONS,
  linkTarget,
  fieldValue,
  lintWorkItems,
  renderLog,
  workItemJson,
  type LinkedSpecState,
  type LintOptions,
  type LogSection,
  type ResolvedSpec,
  type WorkItem,
  type WorkItemDoc,
} from "./index.js";

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

/** Every work-item file (unparseable ones are thrown as exit-4 errors by the caller's choice). */
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

/** Links in items are repository-relative paths; resolved from the project root, then from the log's ancestors. */
export function linkExists(places: WorklogPlaces, path: string): boolean {
  return linkFile(places, path) !== undefined;
}

/** The file a `Spec` link names (see linkExists), or undefined. */
function linkFile(places: WorklogPlaces, path: string): string | undefined {
  const direct = resolve(places.root, path);
  if (existsSync(direct)) return direct;
  return resolveWorkItemPath(join(places.dir, "x"), path);
}

function realFile(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

// `- SDD Spec (JSON, required for non-trivial): `meta/sdd/specs/…json`` and `- **Status**: done`,
// at the start of a line of the work-item document (a list item or a plain line).
const DOC_SDD_LINE = /^\s{0,3}(?:[-*]\s+)?(?:\*\*)?SDD Spec\b[^:\n]*?(?:\*\*)?:\s*(.*)$/im;
const DOC_STATUS_LINE = /^\s{0,3}(?:[-*]\s+)?(?:\*\*)?Status(?:\*\*)?:\s*(?:\*\*)?([^\s*|,;(]+)/im;

/** Reads a work-item document for its own SDD spec line and Status (cached per file). */
export function workItemDocReader(places: WorklogPlaces): (path: string) => WorkItemDoc | undefined {
  const cache = new Map<string, WorkItemDoc | undefined>();
  return (path) => {
    if (cache.has(path)) return cache.get(path);
    let doc: WorkItemDoc | undefined;
    const file = linkFile(places, path);
    if (file !== undefined && file.endsWith(".md")) {
      try {
        const text = readFileSync(file, "utf8");
        doc = {};
        const sdd = DOC_SDD_LINE.exec(text)?.[1]?.trim();
        if (sdd !== undefined && sdd !== "") doc.sddSpec = linkTarget(sdd) ?? sdd;
        const status = DOC_STATUS_LINE.exec(text)?.[1];
        if (status !== undefined) doc.status = status;
      } catch {
        doc = undefined;
      }
    }
    cache.set(path, doc);
    return doc;
  };
}

/** The ids of the specs whose metadata.work_item_spec names a document (the index is built once). */
export function specsClaimingFn(loc: SpecsLocation, places: WorklogPlaces): (path: string) => string[] {
  let index: Map<string, string[]> | undefined;
  const build = (): Map<string, string[]> => {
    const out = new Map<string, string[]>();
    for (const ref of listSpecFiles(loc.specsDir)) {
      let link: unknown;
      try {
        const doc = readJsonFile(ref.file).value;
        link = isObject(doc) && isObject(doc.metadata) ? doc.metadata.work_item_spec : undefined;
      } catch {
        continue; // validate reports unreadable specs
      }
      if (typeof link !== "string" || link === "") continue;
      const file = resolveWorkItemPath(ref.file, link) ?? resolve(places.root, link);
      const key = realFile(file);
      out.set(key, [...(out.get(key) ?? []), ref.id]);
    }
    return out;
  };
  return (path) => {
    index ??= build();
    const file = linkFile(places, path);
    return file === undefined ? [] : (index.get(realFile(file)) ?? []);
  };
}

/** Every callback the log rules take, for one project. */
export function lintCallbacks(loc: SpecsLocation, places: WorklogPlaces, cwd: string): LintOptions {
  return {
    exists: (p) => linkExists(places, p),
    resolveSpec: specResolver(loc, places, cwd),
    workItemDoc: workItemDocReader(places),
    specsClaiming: specsClaimingFn(loc, places),
    ...(loc.config.config.requiredFields === undefined ? {} : { requiredFields: loc.config.config.requiredFields }),
    ...(loc.config.config.fieldPlaceholders === undefined ? {} : { fieldPlaceholders: loc.config.config.fieldPlaceholders }),
  };
}

/**
 * The spec an `SDD Spec` link names: a spec id or a path, optionally with `#node` to link
 * one phase or task of a larger spec (its state is then that node's).
 */
function specOf(
  loc: SpecsLocation,
  places: WorklogPlaces,
  link: string,
  cwd: string,
): { folder: string; doc: unknown; node: string; id: string } | undefined {
  const target = linkTarget(link) ?? link.trim();
  const hash = target.indexOf("#");
  const path = hash >= 0 ? target.slice(0, hash) : target;
  const node = hash >= 0 ? target.slice(hash + 1) : "spec-root";
  const withNode = (found: { folder: string; doc: unknown }): { folder: string; doc: unknown; node: string; id: string } | undefined => {
    const h = isObject(found.doc) && isObject(found.doc.hierarchy) ? found.doc.hierarchy : {};
    const id = isObject(found.doc) && typeof found.doc.spec_id === "string" ? found.doc.spec_id : base;
    return Object.hasOwn(h, node) ? { ...found, node, id: node === "spec-root" ? id : `${id}#${node}` } : undefined;
  };
  const base = path.replace(/^.*[\\/]/, "").replace(/\.json$/, "");
  try {
    const ref = resolveSpec(base, loc.specsDir, cwd);
    return withNode({ folder: ref.folder ?? "", doc: readJsonFile(ref.file).value });
  } catch {
    const abs = resolve(places.root, path);
    if (!existsSync(abs)) return undefined;
    try {
      return withNode({ folder: "", doc: readJsonFile(abs).value });
    } catch {
      return undefined;
    }
  }
}

export function specResolver(loc: SpecsLocation, places: WorklogPlaces, cwd: string): (idOrPath: string) => ResolvedSpec | undefined {
  const cache = new Map<string, ResolvedSpec | undefined>();
  return (idOrPath) => {
    if (!cache.has(idOrPath)) {
      const s = specOf(loc, places, idOrPath, cwd);
      const p = s === undefined ? undefined : progressOf(s.doc, s.node);
      cache.set(
        idOrPath,
        s === undefined || p === undefined
          ? undefined
          : { folder: s.folder, complete: p.complete, id: s.id, completed: p.completed_tasks, total: p.total_tasks },
      );
    }
    return cache.get(idOrPath);
  };
}

/** What a linked spec knows, for rendering (derived, not typed twice). */
export function specStateFn(loc: SpecsLocation, places: WorklogPlaces, cwd: string): (item: WorkItem) => LinkedSpecState | undefined {
  return (item) => {
    const link = fieldValue(item, "SDD Spec");
    if (link === undefined) return undefined;
    const s = specOf(loc, places, link, cwd);
    if (s === undefined) return undefined;
    const p = progressOf(s.doc, s.node);
    if (s.node !== "spec-root") {
      // A linked phase or task: its own status and dates.
      const n = (s.doc as { hierarchy: Record<string, unknown> }).hierarchy[s.node];
      const nmd = isObject(n) && isObject(n.metadata) ? n.metadata : {};
      const nodeState: LinkedSpecState = {
        status: isObject(n) && typeof n.status === "string" ? n.status : "unknown",
        progress: { completed: p.completed_tasks, total: p.total_tasks },
      };
      if (typeof nmd.started_at === "string") nodeState.started = nmd.started_at;
      if (typeof nmd.completed_at === "string") nodeState.done = nmd.completed_at;
      return nodeState;
    }
    const md = isObject(s.doc) && isObject(s.doc.metadata) ? s.doc.metadata : {};
    const state: LinkedSpecState = {
      status: s.folder || (typeof md.status === "string" ? md.status : "unknown"),
      progress: { completed: p.completed_tasks, total: p.total_tasks },
    };
    const started =
      typeof md.activated_date === "string"
        ? md.activated_date
        : isObject(s.doc) && typeof s.doc.generated === "string"
          ? s.doc.generated
          : undefined;
    if (started !== undefined) state.started = started;
    if (typeof md.completed_date === "string") state.done = md.completed_date;
    return state;
  };
}

export function renderItems(loc: SpecsLocation, places: WorklogPlaces, items: WorkItem[], cwd: string): string {
  return renderLog(items, { sections: places.sections, title: "Work items", specState: specStateFn(loc, places, cwd) });
}

/** Lint every JSON work item, with positions from each file. */
export function lintStoredItems(loc: SpecsLocation, places: WorklogPlaces, stored: StoredItem[], cwd: string): Finding[] {
  const raw = lintWorkItems(
    stored.map((s) => ({ value: s.loaded.value, file: s.shown })),
    lintCallbacks(loc, places, cwd),
  );
  const byFile = new Map(stored.map((s) => [s.shown, s]));
  return raw.map((f) => {
    const s = byFile.get(f.file);
    if (s === undefined || f.line !== undefined) return f;
    const pos = s.loaded.source.locate(f.pointer);
    return { ...f, line: pos.line, column: pos.column };
  });
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
