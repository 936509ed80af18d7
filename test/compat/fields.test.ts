/**
 * Pins the field list of every command's `--json` document (top-level keys, and the keys of
 * the items of its main list), so a shape never changes unnoticed: a change fails here
 * until json-fields.json is updated, and a change of type or meaning also bumps
 * schema_version (the file records the version it describes).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli.js";
import { REPORT_SCHEMA_VERSION } from "../../src/ui/envelope.js";
import { makeSpec, specsTree } from "../helpers.js";

const ID = "fields-2026-01-01-001";
const PINNED = join(import.meta.dirname, "json-fields.json");

/** One invocation per command (a list's item keys come from its first item). */
const INVOCATIONS: [string, string[], string?][] = [
  ["validate", ["validate", ID]],
  ["fix", ["fix", ID, "--dry-run"]],
  ["progress", ["progress", ID]],
  ["list-specs", ["list-specs"], "specs"],
  ["find-specs", ["find-specs"]],
  ["task-info", ["task-info", ID, "task-1-1"]],
  ["get-task", ["get-task", ID, "task-1-1"]],
  ["next-task", ["next-task", ID]],
  ["prepare-task", ["prepare-task", ID]],
  ["check-deps", ["check-deps", ID], "tasks"],
  ["check-deps (task)", ["check-deps", ID, "task-1-2"]],
  ["check-complete", ["check-complete", ID]],
  ["check-journaling", ["check-journaling", ID]],
  ["status-report", ["status-report", ID]],
  ["query-tasks", ["query-tasks", ID], "tasks"],
  ["spec-stats", ["spec-stats", ID]],
  ["update-status", ["update-status", ID, "task-1-1", "in_progress", "--note", "n"]],
  ["mark-blocked", ["mark-blocked", ID, "verify-1-1", "--reason", "r"]],
  ["list-blockers", ["list-blockers", ID], "blockers"],
  ["unblock-task", ["unblock-task", ID, "verify-1-1", "--resolution", "done"]],
  ["complete-task", ["complete-task", ID, "task-1-1", "--note", "n"]],
  ["add-journal", ["add-journal", ID, "--title", "t", "--content", "c", "--task-id", "task-1-1"]],
  ["add-revision", ["add-revision", ID, "1.1", "changes"]],
  ["update-task-metadata", ["update-task-metadata", ID, "task-1-2", "--status-note", "s"]],
  ["update-frontmatter", ["update-frontmatter", ID, "owner", "me"]],
  ["sync-metadata", ["sync-metadata", ID]],
  ["add-task", ["add-task", ID, "phase-1", "--title", "Extra"]],
  ["remove-task", ["remove-task", ID, "task-1-3"]],
  ["move-spec", ["move-spec", ID, "pending"]],
  ["activate-spec", ["activate-spec", ID]],
  ["complete-spec", ["complete-spec", ID, "--force"]],
  ["history", ["history", ID]],
  ["schema", ["schema", "report"]],
  ["audit-spec (retired)", ["audit-spec", ID]],
];

async function fieldLists(): Promise<Record<string, string[]>> {
  const dir = specsTree([{ spec: makeSpec(ID) }]);
  const out: Record<string, string[]> = {};
  for (const [name, args, list] of INVOCATIONS) {
    let stdout = "";
    await run([...args, "--json", "--specs-dir", join(dir, "specs")], {
      cwd: dir,
      env: { NO_COLOR: "1", CI: "true", SDD_NOW: "2030-01-01T00:00:00.000Z" },
      stdout: (s) => (stdout += s),
      stderr: () => undefined,
      stdoutIsTTY: false,
      stdinIsTTY: false,
    });
    const doc = JSON.parse(stdout) as Record<string, unknown>;
    out[name] = Object.keys(doc).sort();
    if (list !== undefined) {
      const first = (doc[list] as Record<string, unknown>[] | undefined)?.[0] ?? {};
      out[`${name} ${list}[]`] = Object.keys(first).sort();
    }
  }
  return out;
}

describe("--json field lists", () => {
  it("match the pinned lists (update test/compat/json-fields.json on purpose, with schema_version when a meaning changes)", async () => {
    const actual = { schema_version: REPORT_SCHEMA_VERSION, commands: await fieldLists() };
    if (process.env.SDD_PIN_FIELDS === "1") writeFileSync(PINNED, JSON.stringify(actual, null, 2) + "\n");
    expect(actual).toEqual(JSON.parse(readFileSync(PINNED, "utf8")));
  });
});
