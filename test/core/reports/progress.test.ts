import { describe, expect, it } from "vitest";
import { checkComplete, listSpecs, progressReport, specsDirReport, statusReport } from "../../../src/core/reports/progress.js";
import { findSpecsDir } from "../../../src/core/store/discovery.js";
import { makeSpec, specsTree } from "../../helpers.js";

const ENV = { SDD_NOW: "2026-03-01T00:00:00Z" };
const A = "alpha-2026-01-01-001";
const B = "beta-2026-01-01-001";

function project(): { dir: string; where: (spec: string) => Parameters<typeof progressReport>[0] } {
  const alpha = makeSpec(A, (s) => {
    s.hierarchy["task-1-1"].status = "completed";
    // A stale stored root status: reports show the status the work gives.
    s.hierarchy["spec-root"].status = "pending";
    s.metadata.version = "1.2";
  });
  const beta = makeSpec(B, (s) => {
    for (const id of ["task-1-1", "task-1-2", "verify-1-1"]) s.hierarchy[id].status = "completed";
    s.hierarchy[`task-1-1`].metadata.completed_at = "2026-02-01T00:00:00Z";
  });
  const dir = specsTree([
    { folder: "pending", spec: alpha },
    { folder: "active", spec: beta },
    { folder: "active", spec: {}, name: "broken-2026-01-01-001.json", raw: "{ nope" },
  ]);
  const loc = findSpecsDir({ cwd: dir, env: {} });
  return { dir, where: (spec) => ({ loc, spec, cwd: dir, env: ENV }) };
}

describe("progressReport", () => {
  it("recomputes counts and the root status from the tasks, and keeps the stored status apart", () => {
    const r = progressReport(project().where(A));
    expect(r).toMatchObject({ spec_id: A, folder: "pending", status: "in_progress", stored_status: "pending", claims: [] });
    expect(r.progress).toMatchObject({ completed_tasks: 1, total_tasks: 3, percentage: 33, complete: false });
    expect(r.current_phase).toMatchObject({ id: "phase-1", completed: 1, total: 3 });
  });
});

describe("statusReport", () => {
  it("lists phases with their derived statuses, leaf counts, and completed work not journaled", () => {
    const r = statusReport(project().where(B));
    expect(r.phases.map((p) => [p.id, p.completed_tasks, p.total_tasks])).toEqual([["phase-1", 3, 3]]);
    expect(r.phase_statuses).toEqual(["completed"]);
    expect(r.counts).toEqual({ pending: 0, in_progress: 0, completed: 3, blocked: 0 });
    expect(r.overall.complete).toBe(true);
    expect(r.unjournaled.map((u) => u.node_id)).toContain("task-1-1");
    // Complete but not journaled: not ready to finalize.
    expect(r.can_finalize).toBe(false);
  });
});

describe("checkComplete", () => {
  it("names the open work below the node asked about", () => {
    const { where } = project();
    const r = checkComplete({ ...where(A), node: "phase-1" });
    expect(r.node_id).toBe("phase-1");
    expect(r.open.map((o) => o.id)).toEqual(["task-1-2", "verify-1-1"]);
    expect(checkComplete(where(B)).progress.complete).toBe(true);
  });

  it("refuses a node the spec does not have (exit 2)", () => {
    expect(() => checkComplete({ ...project().where(A), node: "phase-9" })).toThrow(
      expect.objectContaining({ code: "task-not-found", exitCode: 2 }),
    );
  });
});

describe("listSpecs", () => {
  it("lists readable specs by folder, unreadable ones apart, and the Python tool's order (active first, then progress)", () => {
    const { dir, where } = project();
    const r = listSpecs({ loc: where(A).loc, cwd: dir, folder: "all", detailed: false });
    expect(r.rows.map((s) => [s.spec_id, s.status, s.progress_percentage])).toEqual([
      [A, "pending", 33],
      [B, "active", 100],
    ]);
    expect(r.unreadable.map((u) => u.spec_id)).toEqual(["broken-2026-01-01-001"]);
    expect(r.legacy.map((s) => s.spec_id)).toEqual([B, A]);
    expect(r.legacy[1]).toMatchObject({ version: "1.2", current_phase: null });
    expect(r.legacy[1]).not.toHaveProperty("file_path");
  });

  it("keeps to one folder, and adds the detailed columns when asked", () => {
    const { dir, where } = project();
    const r = listSpecs({ loc: where(A).loc, cwd: dir, folder: "pending", detailed: true });
    expect(r.rows.map((s) => s.spec_id)).toEqual([A]);
    expect(r.unreadable).toEqual([]);
    expect(r.legacy[0]).toHaveProperty("file_path");
  });
});

describe("specsDirReport", () => {
  it("counts the spec files of each folder, unreadable ones too", () => {
    const { where } = project();
    expect(specsDirReport(where(A).loc)).toEqual({ spec_count: 3, folders: { pending: 1, active: 2, completed: 0, archived: 0 } });
  });
});
