/** Claim planning (src/core/mutations/claims.ts): pure cases, no disk. */
import jsonpatch from "fast-json-patch";
import { describe, expect, it } from "vitest";
import {
  claimMismatchFindings,
  parseDuration,
  planClaim,
  planRelease,
  planRenew,
  readyTasks,
  type Claim,
} from "../../../src/core/mutations/claims.js";
import type { PlanContext } from "../../../src/core/spec/plan.js";
import { mergeJson } from "../../../src/core/merge/merge.js";
import { planTaskMetadata } from "../../../src/core/mutations/metadata.js";
import { makeSpec } from "../../helpers.js";

const T0 = Date.parse("2026-03-01T10:00:00.000Z");
const MIN = 60_000;
const none = new Map<string, Claim>();

function ctx(doc: Record<string, any>, at = T0): PlanContext {
  return { doc, ref: { id: "demo", file: "demo.json", folder: "active" }, timestamp: new Date(at).toISOString() };
}

function apply(doc: Record<string, any>, ops: jsonpatch.Operation[]): Record<string, any> {
  return jsonpatch.applyPatch(structuredClone(doc), ops, true, false).newDocument;
}

describe("readyTasks", () => {
  it("lists pending leaves in phase and tree order, skipping unfinished prerequisites and claims held elsewhere", () => {
    const doc = makeSpec("demo", (s) => {
      s.hierarchy["task-1-1"].dependencies = { blocks: ["task-1-2"], blocked_by: [], depends: [] };
      s.hierarchy["task-1-2"].dependencies = { blocks: [], blocked_by: ["task-1-1"], depends: [] };
    });
    expect(readyTasks(doc, "demo", none, T0).map((t) => t.task_id)).toEqual(["task-1-1", "verify-1-1"]);
    const held = new Map([["task-1-1", { agent: "ann", claimed_at: "", lease_expires_at: new Date(T0 + MIN).toISOString() }]]);
    expect(readyTasks(doc, "demo", held, T0).map((t) => t.task_id)).toEqual(["verify-1-1"]);
    // Once that claim expires the task is ready again.
    expect(readyTasks(doc, "demo", held, T0 + 2 * MIN).map((t) => t.task_id)).toEqual(["task-1-1", "verify-1-1"]);
  });
});

describe("planClaim / planRenew / planRelease", () => {
  it("claims the first ready task with owner and lease, refuses a live claim, takes over an expired one", () => {
    const doc = makeSpec("demo");
    const first = planClaim(ctx(doc), { agent: "ann", leaseMs: 10 * MIN, nowMs: T0, held: none });
    expect(first.result).toMatchObject({ outcome: "claimed", task_id: "task-1-1", agent: "ann", renewed: false, reclaimed_from: null });
    const after = apply(doc, first.ops);
    expect(after.hierarchy["task-1-1"]).toMatchObject({
      status: "in_progress",
      metadata: { claimed_by: "ann", claimed_at: "2026-03-01T10:00:00.000Z", lease_expires_at: "2026-03-01T10:10:00.000Z" },
    });

    const held = planClaim(ctx(after), { task: "task-1-1", agent: "bob", leaseMs: MIN, nowMs: T0 + 5 * MIN, held: none });
    expect(held.ops).toEqual([]);
    expect(held.result).toMatchObject({ outcome: "held", held_by: "ann" });
    const next = planClaim(ctx(after), { agent: "bob", leaseMs: MIN, nowMs: T0 + 5 * MIN, held: none });
    expect(next.result).toMatchObject({ outcome: "claimed", task_id: "task-1-2" });

    const late = planClaim(ctx(after), { task: "task-1-1", agent: "bob", leaseMs: MIN, nowMs: T0 + 11 * MIN, held: none });
    expect(late.result).toMatchObject({ outcome: "claimed", reclaimed_from: "ann" });

    const again = planClaim(ctx(after), { task: "task-1-1", agent: "ann", leaseMs: 30 * MIN, nowMs: T0 + 5 * MIN, held: none });
    expect(again.result).toMatchObject({ outcome: "claimed", renewed: true, lease_expires_at: "2026-03-01T10:35:00.000Z" });
  });

  it("says nothing is ready for a completed, blocked or waiting task", () => {
    const doc = makeSpec("demo", (s) => {
      s.hierarchy["task-1-1"].status = "completed";
      s.hierarchy["task-1-2"].status = "blocked";
      s.hierarchy["verify-1-1"].dependencies = { blocks: [], blocked_by: ["task-1-2"], depends: [] };
    });
    for (const task of ["task-1-1", "task-1-2", "verify-1-1", "phase-1"]) {
      expect(planClaim(ctx(doc), { task, agent: "ann", leaseMs: MIN, nowMs: T0, held: none }).result.outcome, task).toBe("none");
    }
    expect(planClaim(ctx(doc), { agent: "ann", leaseMs: MIN, nowMs: T0, held: none }).result.outcome).toBe("none");
  });

  it("renews and releases only for the holder; --force releases another's claim", () => {
    const doc = apply(makeSpec("demo"), planClaim(ctx(makeSpec("demo")), { agent: "ann", leaseMs: MIN, nowMs: T0, held: none }).ops);
    const input = { task: "task-1-1", nowMs: T0 + 30_000, held: none, leaseMs: 5 * MIN };
    expect(planRenew(ctx(doc), { ...input, agent: "bob" }).result.outcome).toBe("held");
    expect(planRenew(ctx(doc), { ...input, agent: "ann" }).result).toMatchObject({
      outcome: "renewed",
      lease_expires_at: "2026-03-01T10:05:30.000Z",
    });
    expect(planRelease(ctx(doc), { ...input, agent: "bob" }).result.outcome).toBe("held");
    const forced = planRelease(ctx(doc), { ...input, agent: "bob", force: true });
    expect(forced.result.outcome).toBe("released");
    const released = apply(doc, forced.ops).hierarchy["task-1-1"];
    expect(released.status).toBe("pending");
    expect(released.metadata).toEqual({});
  });

  it("parses lease durations and refuses nonsense", () => {
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("30m")).toBe(30 * MIN);
    expect(parseDuration("2h")).toBe(120 * MIN);
    expect(parseDuration("45")).toBe(45_000);
    expect(() => parseDuration("soon")).toThrow(/--lease "soon"/);
    expect(() => parseDuration("0s")).toThrow(/positive duration/);
    // A lease past any representable date is a usage error, not an internal one.
    expect(() => parseDuration("99999999d")).toThrow(/at most 3650d/);
    expect(parseDuration("3650d")).toBe(3650 * 24 * 60 * MIN);
  });
});

describe("claims across branches", () => {
  it("a merge of two completions of one task by different agents is a conflict; by the same agent it is not", () => {
    const base = makeSpec();
    const done = (agent: string, at: string): Record<string, any> => {
      const s = structuredClone(base);
      s.hierarchy["task-1-1"].status = "completed";
      s.hierarchy["task-1-1"].metadata = { completed_at: at, completed_by: agent };
      return s;
    };
    const r = mergeJson(base, done("ann", "2026-03-01T10:00:00Z"), done("bob", "2026-03-01T11:00:00Z"), "spec");
    expect(r.conflicts.map((c) => c.pointer)).toEqual(["/hierarchy/task-1-1/metadata"]);
    expect(r.notes.join("\n")).toContain("by ann (ours) and by bob (theirs)");
    expect(mergeJson(base, done("ann", "2026-03-01T10:00:00Z"), done("ann", "2026-03-01T11:00:00Z"), "spec").conflicts).toEqual([]);
  });

  it("a claim on one branch and a completion by another agent on the other is a conflict", () => {
    const base = makeSpec();
    const ours = structuredClone(base);
    ours.hierarchy["task-1-1"].status = "in_progress";
    ours.hierarchy["task-1-1"].metadata = {
      claimed_by: "ann",
      claimed_at: "2026-03-01T10:00:00Z",
      lease_expires_at: "2026-03-01T11:00:00Z",
    };
    const theirs = structuredClone(base);
    theirs.hierarchy["task-1-1"].status = "completed";
    theirs.hierarchy["task-1-1"].metadata = { completed_at: "2026-03-01T10:30:00Z", completed_by: "bob" };
    expect(mergeJson(base, ours, theirs, "spec").conflicts).toHaveLength(1);
  });
});

describe("claimMismatchFindings", () => {
  it("flags a task completed by someone other than its live claim holder", () => {
    const doc = makeSpec("demo", (s) => {
      s.hierarchy["task-1-1"].status = "completed";
      s.hierarchy["task-1-1"].metadata = { completed_by: "bob", claimed_by: "ann", lease_expires_at: "2026-03-01T11:00:00Z" };
      s.hierarchy["task-1-2"].status = "completed";
      s.hierarchy["task-1-2"].metadata = { completed_by: "cy" };
    });
    const held = new Map([["task-1-2", { agent: "dee", claimed_at: "", lease_expires_at: "2026-03-01T11:00:00Z" }]]);
    const f = claimMismatchFindings(doc, held, T0);
    expect(f.map((x) => [x.code, x.pointer])).toEqual([
      ["completed-by-other-agent", "/hierarchy/task-1-1"],
      ["completed-by-other-agent", "/hierarchy/task-1-2"],
    ]);
    expect(f[0]?.message).toContain("completed by bob while ann holds a live claim");
    // An expired claim does not count.
    expect(claimMismatchFindings(doc, held, Date.parse("2026-03-01T12:00:00Z"))).toEqual([]);
  });
});

describe("update-task-metadata and claim keys", () => {
  it("refuses to set or unset a claim key by hand unless forced", () => {
    const doc = makeSpec("demo");
    for (const key of ["claimed_by", "lease_expires_at", "completed_by"]) {
      expect(() => planTaskMetadata(ctx(doc), { task: "task-1-1", set: { [key]: "x" }, unset: [] })).toThrow(/kept by the claim commands/);
      expect(() => planTaskMetadata(ctx(doc), { task: "task-1-1", set: {}, unset: [key] })).toThrow(/kept by the claim commands/);
    }
    const forced = planTaskMetadata(ctx(doc), { task: "task-1-1", set: { claimed_by: "x" }, unset: [], force: true });
    expect(forced.ops).not.toEqual([]);
  });
});
