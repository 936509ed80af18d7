/** The journal's entries: a valid timestamp, an existing node, a known entry type. */
import { isObject, type JsonObject } from "../model.js";
import { isValidDate } from "./dates.js";
import type { Add } from "./shared.js";

const ENTRY_TYPES = new Set(["status_change", "deviation", "blocker", "decision", "note", "completion"]);

export function checkJournal(journal: unknown[], h: JsonObject, add: Add): void {
  for (let i = 0; i < journal.length; i++) {
    const entry = journal[i];
    if (!isObject(entry)) continue;
    if (typeof entry.timestamp === "string" && !isValidDate(entry.timestamp)) {
      add(
        "timestamp-format",
        `/journal/${i}/timestamp`,
        `journal timestamp ${JSON.stringify(entry.timestamp)} is not an ISO 8601 date-time`,
      );
    }
    if (typeof entry.task_id === "string" && !Object.hasOwn(h, entry.task_id)) {
      add(
        "journal-unknown-node",
        `/journal/${i}/task_id`,
        `journal entry names task_id ${JSON.stringify(entry.task_id)}, which is not in the hierarchy`,
      );
    }
    if (typeof entry.entry_type === "string" && !ENTRY_TYPES.has(entry.entry_type)) {
      add(
        "journal-entry-type",
        `/journal/${i}/entry_type`,
        `entry_type ${JSON.stringify(entry.entry_type)} is not one of ${[...ENTRY_TYPES].join(", ")}`,
      );
    }
  }
}
