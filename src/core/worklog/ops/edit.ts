/** `sdd log set`, `sdd log done` and `sdd log list`: one item changed under its lock, or every item listed. */
import { FindingsError } from "../../errors.js";
import type { SpecsLocation } from "../../store/discovery.js";
import { fieldValue, markDone, removeField, setField, type WorkItem } from "../model.js";
import { loadItem, readItems, specResolver, today, updateItem, worklogPlaces } from "../store.js";

export interface EditedItem {
  before: WorkItem;
  item: WorkItem;
}

/** Tags as stored: capitals, without brackets, empty ones dropped. */
export function parseTags(value: string): string[] {
  return value
    .split(",")
    .map((t) =>
      t
        .trim()
        .replace(/^\[|\]$/g, "")
        .toUpperCase(),
    )
    .filter((t) => t !== "");
}

/**
 * Set one field of an item (`title` and `tags` are its own properties; tags comma-separated),
 * or remove it (`value` undefined).
 */
export async function setItemField(o: { loc: SpecsLocation; cwd: string; id: string; key: string; value?: string }): Promise<EditedItem> {
  const { before, item } = await updateItem(worklogPlaces(o.loc), o.id, o.cwd, (current) => {
    if (o.value === undefined) return removeField(current, o.key);
    if (o.key === "title") return { ...current, title: o.value };
    if (o.key === "tags") return { ...current, tags: parseTags(o.value) };
    return setField(current, o.key, o.value);
  });
  return { before, item };
}

/** The check-complete command for an SDD Spec link (`id`, `path`, or `id#node`). */
function checkCommand(link: string): string {
  const [spec = "", node] = link.replace(/`/g, "").split("#");
  return node === undefined
    ? `sdd check-complete ${spec}`
    : `sdd check-complete ${spec} ${node.startsWith("phase-") ? "--phase" : "--task"} ${node}`;
}

/** Check an item off (Done: `date`, default today); refused while its linked SDD spec is incomplete, unless forced. */
export async function markItemDone(o: {
  loc: SpecsLocation;
  cwd: string;
  env: NodeJS.ProcessEnv;
  id: string;
  date?: string;
  force: boolean;
}): Promise<EditedItem> {
  const places = worklogPlaces(o.loc);
  const { item } = loadItem(places, o.id, o.cwd);
  const link = fieldValue(item, "SDD Spec");
  if (link !== undefined && !o.force) {
    const spec = specResolver(o.loc, places, o.cwd)(link);
    if (spec !== undefined && !spec.complete) {
      throw new FindingsError("spec-incomplete", `${item.id} links ${link}, which is not complete; finish it first`, {
        fix: `${checkCommand(link)}   # or --force`,
      });
    }
  }
  const { item: next } = await updateItem(places, o.id, o.cwd, (current) => markDone(current, o.date ?? today(o.env)));
  return { before: item, item: next };
}

export interface ListedItem {
  id: string;
  state: string;
  title: string;
  file: string;
}

/** Every work item, in file-name order (what parses; lint reports the rest). */
export function listItems(o: { loc: SpecsLocation; cwd: string }): ListedItem[] {
  return readItems(worklogPlaces(o.loc), o.cwd).items.map((s) => {
    const v = s.loaded.value as { id?: string; state?: string; title?: string };
    return { id: v.id ?? "", state: v.state ?? "", title: v.title ?? "", file: s.shown };
  });
}
