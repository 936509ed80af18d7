/**
 * Adding phases and tasks. Ids follow the existing conventions: phase-N under spec-root,
 * task-N-K under phase-N (or any container below it), task-N-K-J under task-N-K, and
 * verify-N-K for verify nodes; the first free number is taken.
 */
import type { Operation } from "fast-json-patch";
import { ConflictError, UsageError } from "../errors.js";
import { escapePointerToken } from "../json/source.js";
import { ancestors, hierarchyOf } from "../spec/queries.js";
import { descendants, isObject, own, ROOT_ID, type JsonObject } from "../spec/model.js";
import type { Plan, PlanContext } from "../spec/plan.js";
import { getNode, nodePointer } from "./node.js";

export interface AddNodeInput {
  parent: string;
  title: string;
  type: "phase" | "group" | "task" | "subtask" | "verify";
  id?: string | undefined;
  description?: string | undefined;
  blockedBy?: string[];
  metadata?: JsonObject;
}

function phaseNumber(h: JsonObject, id: string): string | undefined {
  for (const a of [id, ...ancestors(h, id)]) {
    const m = /^phase-(\d+)/.exec(a);
    if (m?.[1] !== undefined) return m[1];
  }
  return undefined;
}

function firstFree(h: JsonObject, make: (n: number) => string): string {
  for (let n = 1; ; n++) if (!Object.hasOwn(h, make(n))) return make(n);
}

export function newNodeId(h: JsonObject, parent: string, type: AddNodeInput["type"]): string {
  if (type === "phase" || type === "group") {
    if (parent === ROOT_ID) return firstFree(h, (n) => `phase-${n}`);
    return firstFree(h, (n) => `${parent}-group-${n}`);
  }
  const parentTask = /^task-\d+(?:-\d+)+$/.test(parent) ? parent : undefined;
  if (type === "subtask" || (parentTask !== undefined && type === "task")) {
    const base = parentTask ?? `task-${phaseNumber(h, parent) ?? "0"}-1`;
    return firstFree(h, (n) => `${base}-${n}`);
  }
  const phase = phaseNumber(h, parent) ?? "0";
  return firstFree(h, (n) => `${type === "verify" ? "verify" : "task"}-${phase}-${n}`);
}

export function planAddNode(ctx: PlanContext, input: AddNodeInput): Plan<{ node_id: string; parent: string }> {
  const h = hierarchyOf(ctx.doc);
  const parent = getNode(ctx.doc, input.parent, ctx.ref.id, ctx.ref.file);
  if (input.title.trim() === "") throw new UsageError("--title must not be empty");
  if (input.type === "subtask" && !(parent.type === "task" || parent.type === "subtask")) {
    throw new UsageError(`a subtask goes under a task; ${JSON.stringify(input.parent)} is a ${String(parent.type)}`);
  }
  const id = input.id ?? newNodeId(h, input.parent, input.type);
  if (Object.hasOwn(h, id))
    throw new ConflictError("node-exists", `node ${JSON.stringify(id)} already exists in ${ctx.ref.id}`, { file: ctx.ref.file });
  for (const dep of input.blockedBy ?? []) getNode(ctx.doc, dep, ctx.ref.id, ctx.ref.file);
  const node: JsonObject = {
    type: input.type,
    title: input.title,
    status: "pending",
    parent: input.parent,
    children: [],
    total_tasks: 0,
    completed_tasks: 0,
    // A verify node says who runs it (validate warns otherwise): with a command, automatic.
    metadata:
      input.type === "verify" && input.metadata?.verification_type === undefined
        ? { verification_type: input.metadata?.command === undefined ? "manual" : "auto", ...(input.metadata ?? {}) }
        : { ...(input.metadata ?? {}) },
    dependencies: { blocks: [], blocked_by: [...(input.blockedBy ?? [])], depends: [] },
  };
  if (input.description !== undefined) node.description = input.description;
  const ops: Operation[] = [
    { op: "add", path: `/hierarchy/${escapePointerToken(id)}`, value: node },
    { op: "add", path: `${nodePointer(input.parent)}/children/-`, value: id },
  ];
  for (const dep of input.blockedBy ?? []) {
    const d = own(h, dep);
    const base = `${nodePointer(dep)}/dependencies`;
    if (!isObject(d) || !isObject(d.dependencies))
      ops.push({ op: "add", path: base, value: { blocks: [id], blocked_by: [], depends: [] } });
    else if (!Array.isArray(d.dependencies.blocks)) ops.push({ op: "add", path: `${base}/blocks`, value: [id] });
    else ops.push({ op: "add", path: `${base}/blocks/-`, value: id });
  }
  return { ops, result: { node_id: id, parent: input.parent } };
}

/**
 * Remove a node (and, with `cascade`, everything below it): from the map, from its parent's
 * children, and from every dependency list naming it, so the spec stays consistent.
 */
export function planRemoveNode(ctx: PlanContext, id: string, cascade: boolean): Plan<{ removed: string[] }> {
  if (id === ROOT_ID) throw new UsageError("spec-root cannot be removed");
  const node = getNode(ctx.doc, id, ctx.ref.id, ctx.ref.file);
  const h = hierarchyOf(ctx.doc);
  const below = descendants(h, id).filter((d) => d !== id);
  if (below.length > 0 && !cascade) {
    throw new UsageError(`${JSON.stringify(id)} has ${below.length} node(s) below it; pass --cascade to remove them too`);
  }
  const removed = [id, ...below];
  const gone = new Set(removed);
  const ops: Operation[] = removed.map((r) => ({ op: "remove", path: nodePointer(r) }) as Operation);
  const parent = typeof node.parent === "string" ? node.parent : undefined;
  for (const [other, n] of Object.entries(h)) {
    if (gone.has(other) || !isObject(n)) continue;
    if (other === parent && Array.isArray(n.children)) {
      ops.push({ op: "replace", path: `${nodePointer(other)}/children`, value: n.children.filter((c) => !gone.has(String(c))) });
    }
    const deps = n.dependencies;
    if (!isObject(deps)) continue;
    for (const kind of ["blocks", "blocked_by", "depends"]) {
      const list = deps[kind];
      if (Array.isArray(list) && list.some((d) => gone.has(String(d)))) {
        ops.push({
          op: "replace",
          path: `${nodePointer(other)}/dependencies/${escapePointerToken(kind)}`,
          value: list.filter((d) => !gone.has(String(d))),
        });
      }
    }
  }
  return { ops, result: { removed } };
}
