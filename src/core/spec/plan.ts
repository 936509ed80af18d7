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
  /**
   * Recompute the roll-up of every node, not only of the nodes the operations touch and
   * their ancestors (`fix`, repairing counts that were already wrong).
   */
  fullRollup?: boolean;
  /** Further operations once roll-ups are known (e.g. journal entries for completed parents). */
  afterRollup?: (doc: JsonObject, changes: RollupChange[]) => Operation[];
  /** Error codes the write may introduce because the user forced it (e.g. `--force` into completed/). */
  allowErrors?: readonly string[];
  /**
   * Raw texts (by pointer) for numbers and strings the operations write back, to be written
   * as they were rather than as the serialiser would (undo restores `1.0`, not `1`).
   */
  lexemes?: ReadonlyMap<string, string>;
}
