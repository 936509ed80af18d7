/**
 * `sdd fix`: for each reported finding that has a safe repair, the operations that make
 * exactly that repair; nothing else is touched. Roll-up findings are repaired by the
 * transaction's own roll-up step.
 */
import type { Operation } from "fast-json-patch";
import type { RawFinding } from "../findings.js";
import { unescapePointerToken } from "../json/source.js";
import { nodePointer } from "./node.js";
import { BLOCKER_KEYS, dependencyList, isObject, own } from "../spec/model.js";
import type { Plan, PlanContext } from "../spec/plan.js";
import { specFindings } from "../spec/check.js";

export const FIXABLE = new Set([
  "rollup-mismatch",
  "status-open-work",
  "status-not-rolled-up",
  "dependency-asymmetric",
  "dependency-missing",
  "stale-metadata",
  "folder-status-mismatch",
  "hierarchy-duplicate-child",
  "hierarchy-missing-child",
  "node-id-mismatch",
]);

export interface FixPlanResult {
  targeted: RawFinding[];
  unfixable: RawFinding[];
}

function nodeIdOf(pointer: string): string {
  return unescapePointerToken(pointer.split("/")[2] ?? "");
}

export function planFix(ctx: PlanContext, only?: ReadonlySet<string>): Plan<FixPlanResult> {
  const findings = specFindings(ctx.doc, { fileStem: ctx.ref.id, folder: ctx.ref.folder });
  const h = isObject(ctx.doc.hierarchy) ? ctx.doc.hierarchy : {};
  const ops: Operation[] = [];
  const removals: { path: string; index: number }[] = [];
  const targeted: RawFinding[] = [];
  const unfixable: RawFinding[] = [];
  const added = new Set<string>();
  for (const f of findings) {
    if (!FIXABLE.has(f.code) || (only !== undefined && !only.has(f.code))) {
      if (f.severity !== "info") unfixable.push(f);
      continue;
    }
    const id = nodeIdOf(f.pointer);
    const node = own(h, id);
    switch (f.code) {
      case "dependency-asymmetric": {
        const [, , , , kind, idx] = f.pointer.split("/");
        const list = dependencyList(node, kind as "blocks" | "blocked_by");
        const dep = list[Number(idx)];
        const mirror = kind === "blocks" ? "blocked_by" : "blocks";
        const other = dep === undefined ? undefined : own(h, dep);
        if (dep === undefined || !isObject(other)) break;
        const key = `${dep} ${mirror} ${id}`;
        if (added.has(key)) break;
        added.add(key);
        const base = `${nodePointer(dep)}/dependencies`;
        if (!isObject(other.dependencies)) ops.push({ op: "add", path: base, value: { [mirror]: [id] } });
        else if (!Array.isArray(other.dependencies[mirror])) ops.push({ op: "add", path: `${base}/${mirror}`, value: [id] });
        else ops.push({ op: "add", path: `${base}/${mirror}/-`, value: id });
        break;
      }
      case "dependency-missing":
      case "hierarchy-duplicate-child":
      case "hierarchy-missing-child": {
        const parts = f.pointer.split("/");
        removals.push({ path: parts.slice(0, -1).join("/"), index: Number(parts[parts.length - 1]) });
        break;
      }
      case "stale-metadata": {
        const md = isObject(node) && isObject(node.metadata) ? node.metadata : {};
        const base = `${nodePointer(id)}/metadata`;
        const keys = f.pointer.endsWith("/completed_at") ? ["completed_at", "needs_journaling", "journaled_at"] : [...BLOCKER_KEYS];
        for (const k of keys) if (md[k] !== undefined) ops.push({ op: "remove", path: `${base}/${k}` });
        break;
      }
      case "folder-status-mismatch":
        if (ctx.ref.folder !== undefined) ops.push({ op: "replace", path: "/metadata/status", value: ctx.ref.folder });
        break;
      case "node-id-mismatch":
        ops.push({ op: "replace", path: `${nodePointer(id)}/id`, value: id });
        break;
      default:
        // Roll-up findings: the transaction recomputes counts and container statuses.
        break;
    }
    targeted.push(f);
  }
  // Remove list items from the highest index down so earlier removals don't shift later ones.
  removals.sort((a, b) => (a.path === b.path ? b.index - a.index : a.path < b.path ? -1 : 1));
  for (const r of removals) ops.push({ op: "remove", path: `${r.path}/${r.index}` });
  return { ops, result: { targeted, unfixable } };
}
