/**
 * What the log rules and the renderer learn from the project through an item's links: whether
 * a Spec document exists and what it says, and the state of the SDD spec (or node) linked.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Finding } from "../findings.js";
import { isObject } from "../spec/model.js";
import { progressOf } from "../spec/queries.js";
import { listSpecFiles, resolveSpec, type SpecsLocation } from "../store/discovery.js";
import { readJsonFile } from "../store/spec-file.js";
import { resolveWorkItemPath } from "../validate/run.js";
import { lintWorkItems, type LintOptions, type ResolvedSpec, type WorkItemDoc } from "./lint.js";
import { fieldValue, linkTarget, type WorkItem } from "./model.js";
import { renderLog, type LinkedSpecState } from "./render.js";
import type { StoredItem, WorklogPlaces } from "./store.js";

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
