/** `sdd log add`: one new work item, in its own JSON file, under a free id. */
import { mkdirSync } from "node:fs";
import { ConflictError, FindingsError } from "../../errors.js";
import { displayPath } from "../../paths.js";
import type { SpecsLocation } from "../../store/discovery.js";
import { parseLockTimeout } from "../../store/lock.js";
import { lintWorkItem } from "../lint.js";
import { createWorkItem, type WorkItem, type WorkItemField } from "../model.js";
import { allIds, saveItem, today, worklogPlaces } from "../store.js";

export interface AddItemOptions {
  loc: SpecsLocation;
  cwd: string;
  env: NodeJS.ProcessEnv;
  title: string;
  owner: string;
  /** The markdown work-item document. */
  spec: string;
  summary: string;
  /** The linked SDD spec (id or path). */
  sddSpec?: string;
  branch?: string;
  tests?: string;
  risks?: string;
  next?: string;
  blocker?: string;
  /** Any other fields, in order, after the known ones. */
  extra: { key: string; value: string }[];
  tags: string[];
  done: boolean;
  lockTimeout?: string;
}

export interface AddItemResult {
  item: WorkItem;
  /** The item's file, as users see it. */
  file: string;
}

const code = (v: string): string => (v.startsWith("`") ? v : `\`${v}\``);

/** The item's fields in the canonical order: links and branch backticked, then any extra ones. */
export function newItemFields(o: Omit<AddItemOptions, "loc" | "cwd" | "env" | "tags" | "done" | "lockTimeout">): WorkItemField[] {
  const fields: WorkItemField[] = [{ key: "Spec", value: code(o.spec) }];
  if (o.sddSpec !== undefined) fields.push({ key: "SDD Spec", value: code(o.sddSpec) });
  fields.push({ key: "Owner", value: o.owner });
  if (o.branch !== undefined) fields.push({ key: "Branch", value: code(o.branch) });
  fields.push({ key: "Summary", value: o.summary });
  if (o.tests !== undefined) fields.push({ key: "Tests", value: o.tests });
  if (o.risks !== undefined) fields.push({ key: "Risks", value: o.risks });
  if (o.next !== undefined) fields.push({ key: "Next", value: o.next });
  if (o.blocker !== undefined) fields.push({ key: "Blocker", value: o.blocker });
  return [...fields, ...o.extra];
}

export async function addWorkItem(o: AddItemOptions): Promise<AddItemResult> {
  const places = worklogPlaces(o.loc);
  const tags = o.tags.map((t) => t.replace(/^\[|\]$/g, "").toUpperCase());
  const init = { title: o.title, tags, state: o.done ? ("done" as const) : ("open" as const), fields: newItemFields(o) };
  let item = createWorkItem(init, { today: today(o.env), existingIds: allIds(places) });
  const schema = lintWorkItem(item, {}).filter((f) => f.code === "log-schema");
  if (schema.length > 0)
    throw new FindingsError(
      "work-item-invalid",
      `the work item would be invalid: ${schema.map((f) => `${f.pointer}: ${f.message}`).join("; ")}`,
    );
  mkdirSync(places.dir, { recursive: true });
  // Another `sdd log add` may take the same id between reading the folder and writing
  // (same title, same day): take the next free id and try again.
  const tried = new Set<string>();
  for (;;) {
    try {
      const file = await saveItem(places, item, {
        create: true,
        lockTimeoutMs: parseLockTimeout(o.lockTimeout, o.loc.config.config.lockTimeoutMs),
      });
      return { item, file: displayPath(file, o.cwd) };
    } catch (err) {
      if (!(err instanceof ConflictError && err.code === "item-exists") || tried.size >= 1000) throw err;
      tried.add(item.id);
      item = createWorkItem(init, { today: today(o.env), existingIds: [...allIds(places), ...tried] });
    }
  }
}
