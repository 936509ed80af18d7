/** timestamp-format of the document's and the nodes' timestamps (the journal's are ./journal.ts's). */
import type { JsonObject } from "../model.js";
import { isValidDate } from "./dates.js";
import { nodePtr, type Add } from "./shared.js";

/** The document's own timestamps. */
export function checkDocumentTimestamps(doc: JsonObject, add: Add): void {
  for (const key of ["generated", "last_updated"] as const) {
    const v = doc[key];
    if (typeof v === "string" && !isValidDate(v))
      add("timestamp-format", `/${key}`, `${key} ${JSON.stringify(v)} is not an ISO 8601 date-time`);
  }
}

/** Reports a node timestamp that is not an ISO 8601 date-time; whether it is one. */
export function checkTimestamp(
  id: string,
  key: "started_at" | "completed_at" | "journaled_at" | "blocked_at",
  v: string,
  add: Add,
): boolean {
  if (isValidDate(v)) return true;
  add("timestamp-format", `${nodePtr(id)}/metadata/${key}`, `${key} ${JSON.stringify(v)} is not an ISO 8601 date-time`);
  return false;
}
