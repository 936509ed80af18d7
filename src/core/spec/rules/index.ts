/**
 * The semantic rules of `sdd validate` (docs/rules.md; the codes are ./registry.ts): a pure function from a parsed spec
 * to findings, no filesystem. Values of the wrong type are skipped here because the schema
 * pass already reports them, so each defect is reported once.
 *
 * `validate` runs these over every node of every spec, so the common case is made cheap
 * without changing what is found, or in which order: a sound tree is recognised by one
 * check (isSoundTree) before the tree checks run finding by finding, a document is searched
 * for reserved keys only when a quick walk says it may hold one, the timestamps the tools
 * write are read without Date.parse, pointers are built only for a finding, and lists of
 * children or dependencies are copied only when one must be dropped.
 */
import type { RawFinding } from "../../findings.js";
import { isObject, type JsonObject, type SpecFolder } from "../model.js";
import { checkDependencies } from "./dependencies.js";
import { checkTree } from "./hierarchy.js";
import { checkCompletedFolder, checkIdentity, checkReservedKeys, mayHoldReservedKeys } from "./identity.js";
import { checkJournal } from "./journal.js";
import { checkNodeMetadata } from "./metadata.js";
import { SEVERITY_OF } from "./registry.js";
import type { Add } from "./shared.js";
import { isSoundTree } from "./sound-tree.js";
import { checkDocumentTimestamps } from "./timestamps.js";

export interface RuleContext {
  /** The file name without `.json`. */
  fileStem?: string | undefined;
  /** The lifecycle folder the file sits in. */
  folder?: SpecFolder | undefined;
  /**
   * Whether some object of the document has a member named "__proto__", when the caller
   * knows (validate learns it while checking for duplicate keys); else the rules look.
   */
  protoKey?: boolean | undefined;
}

export function checkSpec(doc: unknown, ctx: RuleContext = {}): RawFinding[] {
  const out: RawFinding[] = [];
  const add: Add = (code, pointer, message): void => {
    out.push({ code, severity: SEVERITY_OF[code], pointer, message });
  };
  if (!isObject(doc)) return out;

  if (mayHoldReservedKeys(doc, ctx.protoKey)) checkReservedKeys(doc, [], add);
  checkIdentity(doc, ctx.fileStem, ctx.folder, add);
  checkDocumentTimestamps(doc, add);

  const hierarchy = doc.hierarchy;
  if (isObject(hierarchy)) checkHierarchy(hierarchy, add);
  if (ctx.folder === "completed" && isObject(hierarchy)) checkCompletedFolder(hierarchy, add);
  if (Array.isArray(doc.journal)) checkJournal(doc.journal, isObject(hierarchy) ? hierarchy : {}, add);
  return out;
}

function checkHierarchy(h: JsonObject, add: Add): void {
  const ids = Object.keys(h);
  if (!isSoundTree(h, ids)) checkTree(h, ids, add);
  checkNodeMetadata(h, ids, add);
  checkDependencies(h, ids, add);
}
