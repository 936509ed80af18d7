import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getTask, listBlockers, queryTasks, specStats } from "../../../src/core/reports/legacy.js";
import { prepareTask } from "../../../src/core/reports/prepare.js";
import { findSpecsDir } from "../../../src/core/store/discovery.js";
import { makeSpec, specsTree } from "../../helpers.js";

const ID = "legacy-2026-01-01-001";

function project(edit?: (s: Record<string, any>) => void) {
  const spec = makeSpec(ID, (s) => {
    s.hierarchy["task-1-1"].status = "completed";
    s.hierarchy["task-1-2"].status = "blocked";
    s.hierarchy["task-1-2"].metadata = { blocker_type: "resource", blocker_description: "needs a key" };
    s.journal = [{ timestamp: "2026-01-02T00:00:00Z", entry_type: "note", title: "n", content: "c", task_id: "task-1-1" }];
    edit?.(s);
  });
  const dir = specsTree([{ spec }]);
  return { loc: findSpecsDir({ cwd: dir, env: {} }), spec: ID, cwd: dir, env: {} };
}

describe("getTask", () => {
  it("gives the node as stored, with its journal only when asked", () => {
    const o = project();
    expect(getTask({ ...o, task: "task-1-1", includeJournal: false })).not.toHaveProperty("journal");
    const r = getTask({ ...o, task: "task-1-1", includeJournal: true });
    expect(r.node.status).toBe("completed");
    expect(r.journal).toHaveLength(1);
  });
});

describe("listBlockers", () => {
  it("lists the blocked nodes with their blocker metadata, empty strings where none is stored", () => {
    const r = listBlockers(project());
    expect(r.blockers).toEqual([
      {
        id: "task-1-2",
        title: "Second",
        type: "task",
        blocked_at: "",
        blocker_type: "resource",
        blocker_description: "needs a key",
        blocker_ticket: "",
        blocked_by_external: false,
      },
    ]);
  });
});

describe("queryTasks", () => {
  it("filters by status, type and parent, leaves spec-root out unless filtering by type or parent, and limits", () => {
    const o = project();
    expect(queryTasks({ ...o, limit: 0 }).tasks.map((t) => t.id)).toEqual(["phase-1", "task-1-1", "task-1-2", "verify-1-1"]);
    expect(queryTasks({ ...o, type: "spec", limit: 0 }).tasks.map((t) => t.id)).toEqual(["spec-root"]);
    expect(queryTasks({ ...o, status: "completed", limit: 0 }).tasks.map((t) => t.id)).toEqual(["task-1-1"]);
    const r = queryTasks({ ...o, parent: "phase-1", limit: 2 });
    expect([r.matched, r.tasks.length]).toEqual([3, 2]);
    expect(r.tasks[0]).toMatchObject({ completed_tasks: 1, total_tasks: 1 });
  });
});

describe("specStats", () => {
  it("counts the file's bytes and lines and the nodes by type, with recomputed progress", () => {
    const r = specStats(project());
    expect(r.summary).toEqual({ total_nodes: 5, phase_count: 1, task_count: 2, verify_count: 1, subtask_count: 0 });
    expect(r.stats.line_count).toBeGreaterThan(10);
    expect(r.stats.file_size).toBeGreaterThan(r.stats.line_count);
    expect(r.stats.state_info).toMatchObject({ total_tasks: 3, completed_tasks: 1, progress_percentage: 33 });
  });

  it("gives the file's size in bytes, a byte order mark and multi-byte characters included", () => {
    const spec = makeSpec(ID, (s) => (s.title = "Ünïcödé ✓"));
    const raw = "\uFEFF" + JSON.stringify(spec, null, 2) + "\n";
    const dir = specsTree([{ spec, raw }]);
    const r = specStats({ loc: findSpecsDir({ cwd: dir, env: {} }), spec: ID, cwd: dir, env: {} });
    expect(r.stats.file_size).toBe(statSync(join(dir, "specs", "active", `${ID}.json`)).size);
    expect(r.stats.line_count).toBe(raw.split("\n").length - 1);
  });
});

describe("prepareTask", () => {
  it("gives the next task's context: its phase, its parent with its position, its journal and prerequisites", () => {
    const r = prepareTask(project());
    if (r.task === null) throw new Error("expected a task");
    expect(r.task).toBe("verify-1-1");
    expect([r.phase_id, r.parent_id, r.position, r.siblings]).toEqual(["phase-1", "phase-1", 3, 3]);
    expect(r.context.previous_sibling?.id).toBe("task-1-2");
    expect(r.context.parent_task?.position_label).toBe("3 of 3 children");
    expect(r.context.task_journal.entry_count).toBe(0);
    expect(r.deps.can_start).toBe(true);
  });

  it("prepares the task named, and says why there is none to prepare", () => {
    const named = prepareTask({ ...project(), task: "task-1-1" });
    expect(named.task === null ? 0 : named.context.task_journal.entry_count).toBe(1);
    const none = prepareTask(project((s) => (s.hierarchy["verify-1-1"].status = "in_progress")));
    expect(none).toMatchObject({ task: null, complete: false });
    expect(none.task === null ? none.reason : "").toMatch(/blocked or in progress|no pending task/);
  });
});
