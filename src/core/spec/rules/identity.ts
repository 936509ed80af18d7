/** The spec as a file: reserved keys, its id, and whether its folder fits its status and its work. */
import { pointerOf } from "../../pointer.js";
import { incompleteWork, isObject, ROOT_ID, SAFE_ID, type JsonObject, type SpecFolder } from "../model.js";
import { nodePtr, type Add } from "./shared.js";

const SPEC_ID_FORMAT = /^[\w-]+-\d{4}-\d{2}-\d{2}-\d{3,}$/;
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Statuses that may sit in each folder without a warning. */
const FOLDER_STATUSES: Record<SpecFolder, readonly string[]> = {
  pending: ["pending", "approved", "draft", "planned"],
  active: ["active", "in_progress"],
  completed: ["completed"],
  archived: ["archived"],
};

/**
 * Whether the document may hold a reserved key: a node map with a reserved id, or some
 * object with an own "__proto__" member (`protoKey`, when the caller knows). Else a walk
 * that builds no path finds out (several times cheaper than checkReservedKeys, which then
 * runs only when it can find something). It walks with `for…in`, the cheapest walk, unless
 * Object.prototype has an enumerable member (only if something polluted it), which `for…in`
 * would visit too: then it answers yes.
 */
export function mayHoldReservedKeys(doc: JsonObject, protoKey: boolean | undefined): boolean {
  const h = doc.hierarchy;
  if (isObject(h)) for (const key of RESERVED_KEYS) if (Object.hasOwn(h, key)) return true;
  if (protoKey !== undefined) return protoKey;
  for (const key in {}) if (key !== undefined) return true;
  return holdsProtoKey(doc);
}

function holdsProtoKey(value: object): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "object" && item !== null && holdsProtoKey(item)) return true;
    }
    return false;
  }
  for (const key in value) {
    if (key === "__proto__") return true;
    const item = (value as JsonObject)[key];
    if (typeof item === "object" && item !== null && holdsProtoKey(item)) return true;
  }
  return false;
}

/** Visits every member of the document, so the path is kept as tokens and a pointer is built only for a finding. */
export function checkReservedKeys(value: unknown, path: string[], add: Add): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== "object" || v === null) continue;
      path.push(String(i));
      checkReservedKeys(v, path, add);
      path.pop();
    }
    return;
  }
  if (!isObject(value)) return;
  const isNodeMap = path.length === 1 && path[0] === "hierarchy";
  for (const key of Object.keys(value)) {
    if (key === "__proto__" || (isNodeMap && RESERVED_KEYS.has(key))) {
      add(
        "reserved-key",
        pointerOf([...path, key]),
        `key ${JSON.stringify(key)} is reserved (it names a JavaScript object property); rename it`,
      );
    }
    const child = value[key];
    if (typeof child !== "object" || child === null) continue;
    path.push(key);
    checkReservedKeys(child, path, add);
    path.pop();
  }
}

export function checkIdentity(doc: JsonObject, fileStem: string | undefined, folder: SpecFolder | undefined, add: Add): void {
  const id = doc.spec_id;
  if (typeof id !== "string" || id === "") return;
  if (!SAFE_ID.test(id) || id.includes("..")) {
    add("spec-id-unsafe", "/spec_id", `spec_id ${JSON.stringify(id)} cannot name a file: use letters, digits, '.', '_' and '-' only`);
  } else if (!SPEC_ID_FORMAT.test(id)) {
    add("spec-id-format", "/spec_id", `spec_id ${JSON.stringify(id)} does not follow <feature>-<YYYY-MM-DD>-<nnn>`);
  }
  if (fileStem !== undefined && fileStem !== id) {
    add("spec-id-mismatch", "/spec_id", `spec_id ${JSON.stringify(id)} differs from the file name ${JSON.stringify(fileStem + ".json")}`);
  }
  const status = isObject(doc.metadata) ? doc.metadata.status : undefined;
  if (folder !== undefined && typeof status === "string" && !FOLDER_STATUSES[folder].includes(status)) {
    add("folder-status-mismatch", "/metadata/status", `metadata.status is ${JSON.stringify(status)} but the spec is in ${folder}/`);
  }
}

/** A spec filed as done while work is open: the gate must not trust the folder. */
export function checkCompletedFolder(hierarchy: JsonObject, add: Add): void {
  if (!isObject(hierarchy[ROOT_ID])) return;
  const open = incompleteWork(hierarchy);
  const first = open[0];
  if (first !== undefined)
    add(
      "completed-open-work",
      `${nodePtr(first)}/status`,
      `the spec is in completed/ but ${open.length} of its tasks ${open.length === 1 ? "is" : "are"} not completed (${open.slice(0, 5).join(", ")}${open.length > 5 ? ", ..." : ""})`,
    );
}
