/**
 * `sdd create`: a new, valid spec in pending/ (or another folder), never overwriting one.
 * Ids are `<slug>-<YYYY-MM-DD>-<nnn>`, nnn the next number free in every folder.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic.js";
import { assertSafeSpecId, listSpecFiles } from "./discovery.js";
import { ConflictError, InternalError, UsageError } from "../errors.js";
import { DEFAULT_STYLE, serializeJson } from "../json/write.js";
import { withSpecLock } from "./lock.js";
import { SPEC_FOLDERS, type SpecFolder } from "../spec/model.js";
import { specFindings } from "../spec/check.js";

export interface CreateOptions {
  specsDir: string;
  name: string;
  title?: string | undefined;
  id?: string | undefined;
  folder?: SpecFolder;
  phases?: string[];
  description?: string | undefined;
  workItem?: string | undefined;
  owner?: string | undefined;
  timestamp: string;
  lockTimeoutMs: number;
}

export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  if (slug === "") throw new UsageError(`cannot make a spec id from ${JSON.stringify(name)}: use letters or digits, or pass --id`);
  return slug;
}

export function nextSpecId(specsDir: string, slug: string, date: string): string {
  const prefix = `${slug}-${date}-`;
  let max = 0;
  for (const ref of listSpecFiles(specsDir)) {
    if (!ref.id.startsWith(prefix)) continue;
    const n = Number(ref.id.slice(prefix.length));
    if (Number.isInteger(n)) max = Math.max(max, n);
  }
  return `${prefix}${String(max + 1).padStart(3, "0")}`;
}

export function buildSpec(id: string, o: CreateOptions): Record<string, unknown> {
  const title = o.title ?? o.name;
  const phases = o.phases ?? [];
  const hierarchy: Record<string, unknown> = {
    "spec-root": {
      type: "spec",
      title,
      status: "pending",
      parent: null,
      children: phases.map((_, i) => `phase-${i + 1}`),
      total_tasks: 0,
      completed_tasks: 0,
      metadata: {},
    },
  };
  phases.forEach((p, i) => {
    hierarchy[`phase-${i + 1}`] = {
      type: "phase",
      title: p,
      status: "pending",
      parent: "spec-root",
      children: [],
      total_tasks: 0,
      completed_tasks: 0,
      metadata: {},
      dependencies: { blocks: [], blocked_by: [], depends: [] },
    };
  });
  const metadata: Record<string, unknown> = { title, status: o.folder ?? "pending" };
  if (o.description !== undefined) metadata.description = o.description;
  if (o.owner !== undefined) metadata.owner = o.owner;
  if (o.workItem !== undefined) metadata.work_item_spec = o.workItem;
  return { spec_id: id, title, generated: o.timestamp, last_updated: o.timestamp, metadata, hierarchy, journal: [] };
}

export async function createSpec(o: CreateOptions): Promise<{ spec_id: string; file: string; spec: Record<string, unknown> }> {
  const folder = o.folder ?? "pending";
  const id = o.id ?? nextSpecId(o.specsDir, slugify(o.name), o.timestamp.slice(0, 10));
  assertSafeSpecId(id);
  return withSpecLock(o.specsDir, id, o.lockTimeoutMs, () => {
    const existing = SPEC_FOLDERS.map((f) => join(o.specsDir, f, `${id}.json`)).filter((f) => existsSync(f));
    if (existing.length > 0)
      throw new ConflictError("spec-exists", `spec ${JSON.stringify(id)} already exists: ${existing.join(", ")}; nothing was written`, {
        fix: "choose another --id or name",
      });
    const spec = buildSpec(id, o);
    const errors = specFindings(spec, { fileStem: id, folder }).filter((f) => f.severity === "error");
    if (errors.length > 0) throw new InternalError(`the new spec would be invalid: ${errors.map((e) => e.message).join("; ")}`);
    const file = join(o.specsDir, folder, `${id}.json`);
    // A tree may hold only some lifecycle folders (the corpus has no archived/).
    mkdirSync(join(o.specsDir, folder), { recursive: true });
    writeFileAtomic(file, serializeJson(spec, DEFAULT_STYLE));
    return { spec_id: id, file, spec };
  });
}
