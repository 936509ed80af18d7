/**
 * Each node's metadata: its timestamps and their order, the task category, metadata that
 * belongs to another status, and what planners rely on (file_path, verification_type).
 */
import { BLOCKER_KEYS, isObject, NODE_TYPES, STATUSES, type JsonObject } from "../model.js";
import { timeOf } from "./dates.js";
import { nodePtr, noStrings, type Add } from "./shared.js";
import { checkTimestamp } from "./timestamps.js";

const TASK_CATEGORIES = new Set(["investigation", "implementation", "refactoring", "decision", "research"]);

export function checkNodeMetadata(h: JsonObject, ids: string[], add: Add): void {
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n] as string;
    const node = h[id];
    if (!isObject(node)) continue;
    checkPlanningMetadata(id, node, add);
    const md = node.metadata;
    if (!isObject(md)) continue;
    // The timestamps by name (a loop over their keys makes slower, keyed reads).
    const started = md.started_at;
    const completed = md.completed_at;
    const startedOk = typeof started === "string" && checkTimestamp(id, "started_at", started, add);
    const completedOk = typeof completed === "string" && checkTimestamp(id, "completed_at", completed, add);
    if (typeof md.journaled_at === "string") checkTimestamp(id, "journaled_at", md.journaled_at, add);
    if (typeof md.blocked_at === "string") checkTimestamp(id, "blocked_at", md.blocked_at, add);
    if (startedOk && completedOk && timeOf(completed) < timeOf(started)) {
      add(
        "timestamp-order",
        `${nodePtr(id)}/metadata/completed_at`,
        `node ${JSON.stringify(id)} was completed (${completed}) before it was started (${started})`,
      );
    }
    if (node.type === "task" && typeof md.task_category === "string" && !TASK_CATEGORIES.has(md.task_category)) {
      add(
        "task-category",
        `${nodePtr(id)}/metadata/task_category`,
        `task_category ${JSON.stringify(md.task_category)} is not one of ${[...TASK_CATEGORIES].join(", ")}`,
      );
    }
    // A status outside the enum is the schema's finding, not a reason to call metadata stale.
    if ((STATUSES as readonly unknown[]).includes(node.status) && (NODE_TYPES as readonly string[]).includes(String(node.type))) {
      if (node.status !== "completed" && md.completed_at !== undefined && noStrings(node.children)) {
        add(
          "stale-metadata",
          `${nodePtr(id)}/metadata/completed_at`,
          `node ${JSON.stringify(id)} is ${String(node.status)} but keeps completed_at from an earlier completion`,
        );
      }
      if (node.status !== "blocked") {
        const stale =
          md.blocked_at === undefined &&
          md.blocker_type === undefined &&
          md.blocker_description === undefined &&
          md.blocker_ticket === undefined &&
          md.blocked_by_external === undefined
            ? undefined
            : BLOCKER_KEYS.filter((k) => md[k] !== undefined);
        if (stale !== undefined)
          add(
            "stale-metadata",
            `${nodePtr(id)}/metadata/${stale[0] as string}`,
            `node ${JSON.stringify(id)} is ${String(node.status)} but keeps blocker fields (${stale.join(", ")})`,
          );
      }
    }
  }
}

/** Task categories whose tasks change files, so say which. */
const FILE_CATEGORIES = new Set(["implementation", "refactoring"]);

/**
 * What planners and agents rely on, as the Python tool's validator checked it: warnings by
 * default (old specs are full of them), configurable per code like every rule.
 */
function checkPlanningMetadata(id: string, node: JsonObject, add: Add): void {
  const md = isObject(node.metadata) ? node.metadata : undefined;
  if (node.type === "task") {
    // Only a declared category: a task without one is not assumed to change a file (the
    // Python validator assumed implementation, which flagged most hand-written tasks).
    const category = md?.task_category;
    const file = md?.file_path;
    if (typeof category === "string" && FILE_CATEGORIES.has(category) && (typeof file !== "string" || file.trim() === "")) {
      add(
        "file-path-missing",
        md === undefined ? nodePtr(id) : `${nodePtr(id)}/metadata`,
        `${category} task ${JSON.stringify(id)} has no metadata.file_path (the file it changes)`,
      );
    }
  } else if (node.type === "verify" && (md === undefined || md.verification_type === undefined)) {
    add(
      "verification-type-missing",
      md === undefined ? nodePtr(id) : `${nodePtr(id)}/metadata`,
      `verify node ${JSON.stringify(id)} has no metadata.verification_type (auto, manual or fidelity)`,
    );
  }
}
