/**
 * What a mutation planner sees and returns. Planners are pure: they get the document read
 * under the lock and return operations; the store's transaction applies, checks and writes.
 */
import type { Operation } from "fast-json-patch";
import type { JsonObject, SpecFolder } from "./model.js";
import type { RollupChange } from "./rollup.js";

/** Where a spec lives: its id, its file, and the status folder it sits in (if any). */
export interface SpecRef {
  id: string;
  file: string;
  folder: SpecFolder | undefined;
}

export interface PlanContext {
  /** The current document, freshly read under the lock. Do not mutate: return operations. */
  doc: JsonObject;
  ref: SpecRef;
  timestamp: string;
}

export interface Plan<T> {
  ops: Operation[];
  result: T;
  /** Move the file to this folder in the same transaction. */
  moveTo?: SpecFolder;
  /** Further operations once roll-ups are known (e.g. journal entries for completed parents). */
  afterRollup?: (doc: JsonObject, changes: RollupChange[]) => Operation[];
}
