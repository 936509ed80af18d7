/** What every report shares: the spec it reads, opened from the specs directory. */
import type { SpecsLocation } from "../store/discovery.js";
import { openSpec, type OpenedSpec } from "../store/spec-set.js";
import { isObject, type JsonObject } from "../spec/model.js";
import { hierarchyOf } from "../spec/queries.js";

export interface SpecReportOptions {
  loc: SpecsLocation;
  /** The spec id or file, as given. */
  spec: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Opened {
  s: OpenedSpec;
  doc: JsonObject;
  h: JsonObject;
}

export function open(o: SpecReportOptions): Opened {
  const s = openSpec(o.loc, o.spec, o.cwd);
  const doc = s.loaded.value as JsonObject;
  return { s, doc, h: hierarchyOf(doc) };
}

/** The journal entries written for one node, in file order. */
export function journalOf(doc: JsonObject, id: string): unknown[] {
  return (Array.isArray(doc.journal) ? doc.journal : []).filter((e) => isObject(e) && e.task_id === id);
}
