/** Helpers for planners: find nodes, and express an edit of a node as patch operations. */
import jsonpatch, { type Operation } from "fast-json-patch";
import { NotFoundError, UsageError } from "../errors.js";
import { escapePointerToken } from "../json/source.js";
import { workCounts } from "../spec/rollup.js";
import { childrenOf, isObject, own, STATUSES, type JsonObject, type SpecNode, type Status } from "../spec/model.js";

export function hierarchyOf(doc: JsonObject, file: string): JsonObject {
  if (!isObject(doc.hierarchy)) throw new NotFoundError("task-not-found", `${file}: the spec has no hierarchy`, { file });
  return doc.hierarchy;
}

export function getNode(doc: JsonObject, id: string, specId: string, file: string): SpecNode {
  const node = own(hierarchyOf(doc, file), id);
  if (!isObject(node)) {
    throw new NotFoundError("task-not-found", `task ${JSON.stringify(id)} not found in spec ${JSON.stringify(specId)}`, {
      file,
      fix: `sdd task-info ${specId} <task-id>   # or: sdd progress ${specId}`,
    });
  }
  return node as SpecNode;
}

export function parseStatus(value: string): Status {
  if (!(STATUSES as readonly string[]).includes(value)) {
    throw new UsageError(`invalid status ${JSON.stringify(value)}: use one of ${STATUSES.join(", ")}`, { code: "invalid-status" });
  }
  return value as Status;
}

export function nodePointer(id: string): string {
  return `/hierarchy/${escapePointerToken(id)}`;
}

/** Operations that turn the node into what `edit` makes of a copy of it. */
export function editNode(
  doc: JsonObject,
  id: string,
  file: string,
  edit: (node: SpecNode & { metadata: JsonObject }) => void,
): Operation[] {
  const node = own(hierarchyOf(doc, file), id) as SpecNode;
  const copy = jsonpatch.deepClone(node) as SpecNode & { metadata: JsonObject };
  if (!isObject(copy.metadata)) copy.metadata = {};
  edit(copy);
  const prefix = nodePointer(id);
  return jsonpatch.compare(node, copy).map((op) => ({ ...op, path: prefix + op.path }) as Operation);
}

/** Work (task/subtask/verify) below a node; a node with work below has a derived status. */
export function workBelow(doc: JsonObject, id: string): { total: number; completed: number } {
  const h = isObject(doc.hierarchy) ? doc.hierarchy : {};
  if (childrenOf(own(h, id)).length === 0) return { total: 0, completed: 0 };
  return workCounts(h, id);
}

export function appendOp(doc: JsonObject, key: string, value: unknown): Operation[] {
  if (!Array.isArray(doc[key])) return [{ op: "add", path: `/${key}`, value: [value] }];
  return [{ op: "add", path: `/${key}/-`, value }];
}
