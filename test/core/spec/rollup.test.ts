/** The one roll-up count: what reports show, what writes store, and what fix repairs agree. */
import { describe, expect, it } from "vitest";
import { workBelow } from "../../../src/core/mutations/node.js";
import { applyRollup, percentDone, workCounts } from "../../../src/core/spec/rollup.js";
import { progressOf } from "../../../src/core/spec/queries.js";
import { makeSpec } from "../../helpers.js";

const withSubtasks = () =>
  makeSpec("r-2026-01-01-001", (s) => {
    const h = s.hierarchy;
    h["task-1-1"].children = ["task-1-1-1", "task-1-1-2"];
    h["task-1-1-1"] = { type: "subtask", title: "a", status: "completed", parent: "task-1-1", children: [] };
    h["task-1-1-2"] = { type: "subtask", title: "b", status: "pending", parent: "task-1-1", children: [] };
    h["task-1-2"].status = "completed";
    // A phase with no children holds no work.
    h["phase-2"] = { type: "phase", title: "Empty", status: "pending", parent: "spec-root", children: [] };
    h["spec-root"].children.push("phase-2");
  });

describe("workCounts", () => {
  it("counts leaf work only: a task with subtasks counts through them, an empty phase counts nothing", () => {
    const h = withSubtasks().hierarchy;
    expect(workCounts(h)).toEqual({ total: 4, completed: 2 });
    expect(workCounts(h, "task-1-1")).toEqual({ total: 2, completed: 1 });
    expect(workCounts(h, "task-1-2")).toEqual({ total: 1, completed: 1 });
    expect(workCounts(h, "phase-2")).toEqual({ total: 0, completed: 0 });
    expect(workCounts(h, "no-such-node")).toEqual({ total: 0, completed: 0 });
  });

  it("is a copy: changing it does not change the counts handed in", () => {
    const h = withSubtasks().hierarchy;
    const c = workCounts(h);
    c.total = 99;
    expect(workCounts(h).total).toBe(4);
  });

  it("is what progress reports, what a write stores, and what a status change sees", () => {
    const doc = withSubtasks();
    const p = progressOf(doc);
    expect([p.completed_tasks, p.total_tasks, p.percentage]).toEqual([2, 4, 50]);
    doc.metadata.progress_percentage = 0;
    applyRollup(doc, { timestamp: "2026-02-02T00:00:00Z", journaledTypes: new Set() });
    for (const id of Object.keys(doc.hierarchy)) {
      const n = doc.hierarchy[id];
      expect({ id, total: n.total_tasks, completed: n.completed_tasks }).toEqual({ id, ...workCounts(doc.hierarchy, id) });
    }
    expect(doc.metadata.progress_percentage).toBe(p.percentage);
    expect(workBelow(doc, "task-1-1")).toEqual(workCounts(doc.hierarchy, "task-1-1"));
    // A leaf has no work below it to derive a status from.
    expect(workBelow(doc, "task-1-2")).toEqual({ total: 0, completed: 0 });
  });
});

describe("percentDone", () => {
  it("rounds down, so a spec is 100% only when all of it is done, and is 0 without work", () => {
    expect(percentDone({ total: 3, completed: 2 })).toBe(66);
    expect(percentDone({ total: 1000, completed: 999 })).toBe(99);
    expect(percentDone({ total: 4, completed: 4 })).toBe(100);
    expect(percentDone({ total: 0, completed: 0 })).toBe(0);
  });
});
