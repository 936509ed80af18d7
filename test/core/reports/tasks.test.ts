import { describe, expect, it } from "vitest";
import { checkDeps, historyReport, nextTaskReport, taskInfo } from "../../../src/core/reports/tasks.js";
import { findSpecsDir } from "../../../src/core/store/discovery.js";
import { makeSpec, specsTree, writeTree } from "../../helpers.js";

const ENV = { SDD_NOW: "2026-03-01T00:00:00Z" };
const ID = "deps-2026-01-01-001";

function project() {
  const spec = makeSpec(ID, (s) => {
    const h = s.hierarchy;
    h["task-1-1"].status = "in_progress";
    h["task-1-1"].dependencies = { blocks: ["task-1-2"], blocked_by: [], depends: [] };
    h["task-1-2"].dependencies = { blocks: [], blocked_by: ["task-1-1"], depends: [] };
    h["verify-1-1"].metadata.file_path = "src/x.ts";
    h["verify-1-1"].metadata.estimated_hours = 2;
    s.journal = [
      { timestamp: "2026-01-02T00:00:00Z", entry_type: "note", title: "n", content: "c", task_id: "task-1-1" },
      { timestamp: "2026-01-03T00:00:00Z", entry_type: "note", title: "other", content: "c", task_id: "task-1-2" },
    ];
  });
  const dir = specsTree([{ spec }]);
  const loc = findSpecsDir({ cwd: dir, env: {} });
  return { dir, loc, o: { loc, spec: ID, cwd: dir, env: ENV } };
}

describe("taskInfo", () => {
  it("gives the node, its recomputed counts, what it waits for, its own journal entries and its line", () => {
    const r = taskInfo({ ...project().o, task: "task-1-2" });
    expect(r.node.title).toBe("Second");
    expect(r.progress).toMatchObject({ total_tasks: 1, completed_tasks: 0 });
    expect(r.deps.can_start).toBe(false);
    expect(r.deps.blocked_by.map((b) => [b.id, b.status])).toEqual([["task-1-1", "in_progress"]]);
    expect(r.journal).toHaveLength(1);
    expect(r.claim).toBeNull();
    expect(r.file).toBe("specs/active/deps-2026-01-01-001.json");
    expect(r.line).toBeGreaterThan(1);
  });

  it("refuses a node the spec does not have", () => {
    expect(() => taskInfo({ ...project().o, task: "task-9" })).toThrow(/task "task-9" not found/);
  });
});

describe("nextTaskReport", () => {
  it("offers the first pending task whose prerequisites are done, with its stored metadata", () => {
    const r = nextTaskReport(project().o);
    expect(r.task?.id).toBe("verify-1-1");
    expect(r.metadata).toMatchObject({ file_path: "src/x.ts", estimated_hours: 2 });
    expect(r.blocked.map((b) => b.id)).toEqual(["task-1-2"]);
    expect(r.in_progress.map((t) => t.id)).toEqual(["task-1-1"]);
    expect(r.held_by).toBeNull();
  });
});

describe("checkDeps", () => {
  it("reports every piece of work when no task is named, and the type=task ones apart", () => {
    const r = checkDeps(project().o);
    expect(r.reports.map((d) => d.task_id)).toEqual(["task-1-1", "task-1-2", "verify-1-1"]);
    expect(r.task_reports.map((d) => d.task_id)).toEqual(["task-1-1", "task-1-2"]);
    expect(r.reports[0]?.blocks.map((b) => b.id)).toEqual(["task-1-2"]);
  });

  it("reports one task when named, and refuses one that does not exist", () => {
    const { o } = project();
    expect(checkDeps({ ...o, task: "task-1-2" }).reports.map((d) => d.can_start)).toEqual([false]);
    expect(() => checkDeps({ ...o, task: "nope" })).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe("historyReport", () => {
  it("returns the recorded changes oldest first, or only the newest `limit`", () => {
    const { dir, loc } = project();
    const entries = [1, 2, 3].map((seq) => ({ seq, timestamp: `2026-01-0${seq}T00:00:00Z`, command: "update-status", patch: [] }));
    writeTree(dir, { [`specs/.history/${ID}.jsonl`]: entries.map((e) => JSON.stringify(e)).join("\n") + "\n" });
    expect(historyReport({ loc, spec: ID, cwd: dir }).entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(historyReport({ loc, spec: ID, cwd: dir, limit: 2 }).entries.map((e) => e.seq)).toEqual([2, 3]);
  });
});
