/** The three-way JSON merge behind `sdd merge-driver` (src/core/merge/): pure cases. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runMergeDriver } from "../../../src/core/merge/driver.js";
import { canonicalJson, mergeJson } from "../../../src/core/merge/merge.js";
import { makeSpec, tempTree } from "../../helpers.js";

const ID_WITH_SUBTASKS = "subtasks-2026-01-01-001";
const clone = <T>(v: T): T => structuredClone(v);

/** Base spec plus two edited copies. */
function sides(editOurs: (s: Record<string, any>) => void, editTheirs: (s: Record<string, any>) => void) {
  const base = makeSpec();
  const ours = clone(base);
  const theirs = clone(base);
  editOurs(ours);
  editTheirs(theirs);
  return { base, ours, theirs };
}

function entry(timestamp: string, task_id: string, title = `Task Completed: ${task_id}`): Record<string, unknown> {
  return {
    timestamp,
    entry_type: "status_change",
    title,
    author: "sdd",
    content: `Task ${task_id} marked as completed.`,
    metadata: {},
    task_id,
  };
}

/** What `sdd complete-task` leaves on a leaf task, journal entry included. */
function complete(s: Record<string, any>, id: string, at: string): void {
  const n = s.hierarchy[id];
  n.status = "completed";
  n.metadata = { ...n.metadata, completed_at: at, needs_journaling: false, journaled_at: at };
  s.journal.push(entry(at, id));
  s.last_updated = at;
}

describe("mergeJson: generic rules", () => {
  it("keeps independent changes from both sides", () => {
    const base = { a: 1, b: { c: "x", d: "y" }, e: [1, 2] };
    const ours = { a: 2, b: { c: "x", d: "y" }, e: [1, 2] };
    const theirs = { a: 1, b: { c: "x", d: "z" }, e: [1, 2], f: true };
    const r = mergeJson(base, ours, theirs, "json");
    expect(r.conflicts).toEqual([]);
    expect(r.merged).toEqual({ a: 2, b: { c: "x", d: "z" }, e: [1, 2], f: true });
  });

  it("takes an identical change once", () => {
    const r = mergeJson({ a: 1, list: [{ n: 1 }] }, { a: 5, list: [{ n: 2 }] }, { a: 5, list: [{ n: 2 }] }, "json");
    expect(r.conflicts).toEqual([]);
    expect(r.merged).toEqual({ a: 5, list: [{ n: 2 }] });
  });

  it("reports a scalar changed differently on both sides as a conflict", () => {
    const r = mergeJson({ title: "A" }, { title: "B" }, { title: "C" }, "json");
    expect(r.conflicts).toEqual([{ pointer: "/title", ours: "B", theirs: "C" }]);
  });

  it("reports a member deleted on one side and changed on the other", () => {
    const r = mergeJson({ a: { x: 1 } }, {}, { a: { x: 2 } }, "json");
    expect(r.conflicts).toEqual([{ pointer: "/a", ours: undefined, theirs: { x: 2 } }]);
  });

  it("keeps a deletion when the other side left the member alone", () => {
    const r = mergeJson({ a: 1, b: 2 }, { a: 1 }, { a: 1, b: 2, c: 3 }, "json");
    expect(r.conflicts).toEqual([]);
    expect(r.merged).toEqual({ a: 1, c: 3 });
  });

  it("merges arrays of distinct strings as sequences: both sides' removals and additions, in the order of the side that reordered", () => {
    const r = mergeJson({ tags: ["a", "b", "c"] }, { tags: ["a", "c", "x"] }, { tags: ["c", "a", "b", "y"] }, "json");
    expect(r.conflicts).toEqual([]);
    expect(r.merged).toEqual({ tags: ["c", "a", "y", "x"] });
    const twice = mergeJson({ tags: ["a", "b", "c"] }, { tags: ["c", "a", "b"] }, { tags: ["b", "a", "c"] }, "json");
    expect(twice.conflicts.map((c) => c.pointer)).toEqual(["/tags"]);
  });

  it("merges arrays of strings with repeats only when both sides appended; otherwise a conflict, never a lost repeat", () => {
    const base = { notes: ["a", "", "b", ""] };
    const appended = mergeJson(base, { notes: ["a", "", "b", "", "c"] }, { notes: ["a", "", "b", "", "d"] }, "json");
    expect(appended.conflicts).toEqual([]);
    expect(appended.merged).toEqual({ notes: ["a", "", "b", "", "c", "d"] });
    const edited = mergeJson(base, { notes: ["a", "", "b", "", "c"] }, { notes: ["A", "", "b", ""] }, "json");
    expect(edited.conflicts.map((c) => c.pointer)).toEqual(["/notes"]);
  });

  it("keeps both sides' appends to an array of objects", () => {
    const r = mergeJson({ revs: [{ v: 1 }] }, { revs: [{ v: 1 }, { v: 2 }] }, { revs: [{ v: 1 }, { v: 3 }] }, "json");
    expect(r.conflicts).toEqual([]);
    expect(r.merged).toEqual({ revs: [{ v: 1 }, { v: 2 }, { v: 3 }] });
  });

  it("reports other arrays changed differently on both sides", () => {
    const r = mergeJson({ m: [[1], [2]] }, { m: [[2]] }, { m: [[1]] }, "json");
    expect(r.conflicts.map((c) => c.pointer)).toEqual(["/m"]);
  });

  it("never lets a __proto__ member reach the prototype", () => {
    const base = JSON.parse('{"a":1}') as unknown;
    const ours = JSON.parse('{"a":2}') as unknown;
    const theirs = JSON.parse('{"a":1,"__proto__":{"polluted":true}}') as unknown;
    const r = mergeJson(base, ours, theirs, "json");
    expect(Object.hasOwn(r.merged as object, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("mergeJson: work items", () => {
  const item = (fields: { key: string; value: string; children?: string[] }[], state = "open") => ({
    schema_version: 1,
    id: "wi-1",
    state,
    tags: ["FEATURE"],
    title: "Do it",
    fields,
  });

  it("merges fields by key, keeping order and each side's additions in place", () => {
    const base = item([
      { key: "Owner", value: "ann" },
      { key: "Summary", value: "start" },
      { key: "Next", value: "plan" },
    ]);
    const ours = item([
      { key: "Owner", value: "bob" },
      { key: "Branch", value: "feat/x" },
      { key: "Summary", value: "start" },
      { key: "Next", value: "plan" },
    ]);
    const theirs = item(
      [
        { key: "Owner", value: "ann" },
        { key: "Summary", value: "done", children: ["tests pass"] },
        { key: "Tests", value: "npm test" },
      ],
      "done",
    );
    const r = mergeJson(base, ours, theirs, "work-item");
    expect(r.conflicts).toEqual([]);
    expect(r.merged).toEqual(
      item(
        [
          { key: "Owner", value: "bob" },
          { key: "Branch", value: "feat/x" },
          { key: "Summary", value: "done", children: ["tests pass"] },
          { key: "Tests", value: "npm test" },
        ],
        "done",
      ),
    );
  });

  it("reports the same field changed differently on both sides", () => {
    const base = item([{ key: "Owner", value: "ann" }]);
    const r = mergeJson(base, item([{ key: "Owner", value: "bob" }]), item([{ key: "Owner", value: "cy" }]), "work-item");
    expect(r.conflicts).toEqual([{ pointer: "/fields/0/value", ours: "bob", theirs: "cy" }]);
  });
});

describe("mergeJson: specs", () => {
  it("merges two completed tasks, recomputes roll-ups and takes the later last_updated", () => {
    const { base, ours, theirs } = sides(
      (s) => complete(s, "task-1-1", "2026-01-02T00:00:00Z"),
      (s) => complete(s, "task-1-2", "2026-01-03T00:00:00Z"),
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([]);
    const m = r.merged as Record<string, any>;
    expect(m.hierarchy["task-1-1"].status).toBe("completed");
    expect(m.hierarchy["task-1-2"].status).toBe("completed");
    expect(m.hierarchy["phase-1"].completed_tasks).toBe(2);
    expect(m.hierarchy["spec-root"].completed_tasks).toBe(2);
    expect(m.hierarchy["phase-1"].status).toBe("in_progress");
    expect(m.last_updated).toBe("2026-01-03T00:00:00Z");
    expect(m.journal.map((e: any) => e.task_id)).toEqual(["task-1-1", "task-1-2"]);
  });

  it("status rule: completed wins over in_progress, with its tracking metadata (ours wins)", () => {
    const { base, ours, theirs } = sides(
      (s) => complete(s, "task-1-1", "2026-01-03T00:00:00Z"),
      (s) => {
        s.hierarchy["task-1-1"].status = "in_progress";
        s.hierarchy["task-1-1"].metadata = { started_at: "2026-01-02T00:00:00Z", status_note: "halfway" };
      },
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([]);
    const n = (r.merged as Record<string, any>).hierarchy["task-1-1"];
    expect(n.status).toBe("completed");
    expect(n.metadata).toEqual({ completed_at: "2026-01-03T00:00:00Z", needs_journaling: false, journaled_at: "2026-01-03T00:00:00Z" });
    expect(r.notes.join("\n")).toContain("/hierarchy/task-1-1: status completed (ours) wins over in_progress");
  });

  it("status rule: the side further along wins when it is theirs, other metadata still merged", () => {
    const { base, ours, theirs } = sides(
      (s) => {
        s.hierarchy["task-1-2"].status = "in_progress";
        s.hierarchy["task-1-2"].metadata = { started_at: "2026-01-02T00:00:00Z", estimated_hours: 3 };
      },
      (s) => complete(s, "task-1-2", "2026-01-04T00:00:00Z"),
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([]);
    const n = (r.merged as Record<string, any>).hierarchy["task-1-2"];
    expect(n.status).toBe("completed");
    expect(n.metadata).toEqual({
      estimated_hours: 3,
      completed_at: "2026-01-04T00:00:00Z",
      needs_journaling: false,
      journaled_at: "2026-01-04T00:00:00Z",
    });
    expect(r.notes.join("\n")).toContain("completed (theirs) wins over in_progress");
  });

  it("status rule: a difference involving blocked is a conflict", () => {
    const { base, ours, theirs } = sides(
      (s) => {
        s.hierarchy["task-1-1"].status = "blocked";
        s.hierarchy["task-1-1"].metadata = { blocked_at: "2026-01-02T00:00:00Z", blocker_type: "technical", blocker_description: "CI" };
      },
      (s) => complete(s, "task-1-1", "2026-01-03T00:00:00Z"),
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts.map((c) => c.pointer)).toContain("/hierarchy/task-1-1/status");
    expect(r.conflicts.find((c) => c.pointer === "/hierarchy/task-1-1/status")).toMatchObject({ ours: "blocked", theirs: "completed" });
  });

  it("journal: union of both sides, identical entries once, in timestamp order (ties: base, ours, theirs)", () => {
    const shared = entry("2026-01-02T00:00:00Z", "task-1-1", "same on both");
    const { base, ours, theirs } = sides(
      (s) => {
        s.journal = [entry("2026-01-01T00:00:00Z", "x", "base")];
        s.journal.push(
          entry("2026-01-05T00:00:00Z", "task-1-1", "ours late"),
          clone(shared),
          entry("2026-01-03T00:00:00Z", "y", "tie ours"),
        );
      },
      (s) => {
        s.journal = [entry("2026-01-01T00:00:00Z", "x", "base")];
        s.journal.push(
          entry("2026-01-03T00:00:00Z", "z", "tie theirs"),
          { ...clone(shared) },
          entry("2026-01-04T00:00:00Z", "w", "theirs"),
        );
      },
    );
    base.journal = [entry("2026-01-01T00:00:00Z", "x", "base")];
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([]);
    const titles = (r.merged as Record<string, any>).journal.map((e: any) => e.title);
    expect(titles).toEqual(["base", "same on both", "tie ours", "tie theirs", "theirs", "ours late"]);
  });

  it("journal: identical entries dedupe whatever their key order", () => {
    const e = entry("2026-01-02T00:00:00Z", "task-1-1");
    const reordered = Object.fromEntries(Object.entries(e).reverse());
    expect(canonicalJson(e)).toBe(canonicalJson(reordered));
    const { base, ours, theirs } = sides(
      (s) => s.journal.push(e, entry("2026-01-03T00:00:00Z", "a")),
      (s) => s.journal.push(reordered, entry("2026-01-03T00:00:00Z", "b")),
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect((r.merged as Record<string, any>).journal).toHaveLength(3);
  });

  it("children: a node added on each side is kept, each where its side put it", () => {
    const node = (id: string) => ({
      type: "task",
      title: id,
      status: "pending",
      parent: "phase-1",
      children: [],
      total_tasks: 1,
      completed_tasks: 0,
      metadata: {},
    });
    const { base, ours, theirs } = sides(
      (s) => {
        s.hierarchy["task-1-3"] = node("task-1-3");
        s.hierarchy["phase-1"].children.push("task-1-3");
        s.hierarchy["phase-1"].total_tasks = 4;
        s.hierarchy["spec-root"].total_tasks = 4;
      },
      (s) => {
        s.hierarchy["task-1-4"] = node("task-1-4");
        s.hierarchy["phase-1"].children.splice(2, 0, "task-1-4");
        s.hierarchy["phase-1"].total_tasks = 4;
        s.hierarchy["spec-root"].total_tasks = 4;
      },
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([]);
    const h = (r.merged as Record<string, any>).hierarchy;
    // Theirs inserted task-1-4 before the verify step, ours appended task-1-3.
    expect(h["phase-1"].children).toEqual(["task-1-1", "task-1-2", "task-1-4", "verify-1-1", "task-1-3"]);
    expect(h["task-1-3"]).toEqual(node("task-1-3"));
    expect(h["task-1-4"]).toEqual(node("task-1-4"));
    // Roll-ups recomputed: both sides said 4; there are 5 units of work now.
    expect(h["phase-1"].total_tasks).toBe(5);
    expect(h["spec-root"].total_tasks).toBe(5);
  });

  it("dependencies: set merge of each list", () => {
    const { base, ours, theirs } = sides(
      (s) => s.hierarchy["task-1-1"].dependencies.blocks.push("task-1-2"),
      (s) => s.hierarchy["task-1-1"].dependencies.blocks.push("verify-1-1"),
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect((r.merged as Record<string, any>).hierarchy["task-1-1"].dependencies.blocks).toEqual(["task-1-2", "verify-1-1"]);
  });

  it("a node deleted on one side and changed on the other is a conflict", () => {
    const { base, ours, theirs } = sides(
      (s) => {
        delete s.hierarchy["task-1-2"];
        s.hierarchy["phase-1"].children = ["task-1-1", "verify-1-1"];
      },
      (s) => (s.hierarchy["task-1-2"].title = "Second, renamed"),
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ pointer: "/hierarchy/task-1-2", ours: undefined });
  });

  it("a node title changed differently on both sides is a conflict; last_updated never is", () => {
    const { base, ours, theirs } = sides(
      (s) => {
        s.hierarchy["task-1-1"].title = "Ours";
        s.last_updated = "2026-01-02T00:00:00Z";
      },
      (s) => {
        s.hierarchy["task-1-1"].title = "Theirs";
        s.last_updated = "2026-01-03T00:00:00Z";
      },
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([{ pointer: "/hierarchy/task-1-1/title", ours: "Ours", theirs: "Theirs" }]);
  });

  it("a container completed by the merged roll-up is stamped with the merge time and noted", () => {
    const { base, ours, theirs } = sides(
      (s) => {
        complete(s, "task-1-1", "2026-01-02T00:00:00Z");
        complete(s, "verify-1-1", "2026-01-02T00:00:00Z");
      },
      (s) => complete(s, "task-1-2", "2026-01-03T00:00:00Z"),
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([]);
    const h = (r.merged as Record<string, any>).hierarchy;
    expect(h["phase-1"].status).toBe("completed");
    expect(h["phase-1"].metadata.completed_at).toBe("2026-01-03T00:00:00Z");
    expect(r.notes).toContain("/hierarchy/phase-1: pending -> completed by roll-up after the merge");
  });

  it("a journaled container completed by the merged roll-up is flagged needs_journaling", () => {
    const sub = (id: string) => ({
      type: "subtask",
      title: id,
      status: "pending",
      parent: "task-1-1",
      children: [],
      total_tasks: 1,
      completed_tasks: 0,
      metadata: {},
    });
    const base = makeSpec(ID_WITH_SUBTASKS, (s) => {
      s.hierarchy["task-1-1"].children = ["sub-1", "sub-2"];
      s.hierarchy["task-1-1"].total_tasks = 2;
      s.hierarchy["phase-1"].total_tasks = 4;
      s.hierarchy["spec-root"].total_tasks = 4;
      s.hierarchy["sub-1"] = sub("sub-1");
      s.hierarchy["sub-2"] = sub("sub-2");
    });
    const ours = clone(base);
    const theirs = clone(base);
    complete(ours, "sub-1", "2026-01-02T00:00:00Z");
    complete(theirs, "sub-2", "2026-01-03T00:00:00Z");
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([]);
    const t = (r.merged as Record<string, any>).hierarchy["task-1-1"];
    expect(t.status).toBe("completed");
    expect(t.metadata).toEqual({ completed_at: "2026-01-03T00:00:00Z", needs_journaling: true });
    expect(r.notes).toContain("/hierarchy/task-1-1: pending -> completed by roll-up after the merge; it needs a journal entry");
  });

  it("does not change its inputs", () => {
    const { base, ours, theirs } = sides(
      (s) => complete(s, "task-1-1", "2026-01-02T00:00:00Z"),
      (s) => complete(s, "task-1-2", "2026-01-03T00:00:00Z"),
    );
    const before = JSON.stringify([base, ours, theirs]);
    mergeJson(base, ours, theirs, "spec");
    expect(JSON.stringify([base, ours, theirs])).toBe(before);
  });
});

describe("what a merge rewrites", () => {
  it("roll-ups only on the nodes the branches changed and their ancestors: a wrong count elsewhere stays", () => {
    const { base, ours, theirs } = sides(
      (s) => complete(s, "task-1-1", "2026-01-02T00:00:00Z"),
      () => undefined,
    );
    for (const s of [base, ours, theirs]) {
      s.hierarchy["phase-2"] = {
        type: "phase",
        title: "Later",
        status: "pending",
        parent: "spec-root",
        children: [],
        total_tasks: 5,
        completed_tasks: 0,
        metadata: {},
      };
      s.hierarchy["spec-root"].children.push("phase-2");
    }
    const m = mergeJson(base, ours, theirs, "spec").merged as Record<string, any>;
    expect(m.hierarchy["phase-1"].completed_tasks).toBe(1);
    // phase-2 holds no work (it counts 0/0); nobody changed it, so its wrong count is kept.
    expect(m.hierarchy["phase-2"].total_tasks).toBe(5);
    expect(m.hierarchy["spec-root"].completed_tasks).toBe(1);
  });

  it("the driver writes OURS' own text with only the merged changes rewritten", () => {
    const base = makeSpec();
    const ours = clone(base);
    const theirs = clone(base);
    complete(theirs, "task-1-2", "2026-01-03T00:00:00Z");
    // OURS hand-formatted: 4-space indent, CRLF, short arrays on one line, 1.0 as written.
    const inline = (text: string): string =>
      text.replace(
        /\[\n\s*((?:"[^"\n]*",?\n\s*)*)\]/g,
        (_, items: string) =>
          "[" +
          items
            .trim()
            .split(/,\n\s*/)
            .join(", ") +
          "]",
      );
    const oursText = inline(JSON.stringify({ ...ours, version: 1 }, null, 4))
      .replace('"version": 1', '"version": 1.0')
      .replaceAll("\n", "\r\n");
    const dir = tempTree({
      "base.json": JSON.stringify({ ...base, version: 1 }, null, 2),
      "ours.json": oursText,
      "theirs.json": JSON.stringify({ ...theirs, version: 1 }, null, 2),
    });
    const r = runMergeDriver({ cwd: dir, base: "base.json", ours: "ours.json", theirs: "theirs.json" });
    expect(r.merged).toBe(true);
    const out = readFileSync(join(dir, "ours.json"), "utf8");
    expect(JSON.parse(out).hierarchy["task-1-2"].status).toBe("completed");
    expect(out).toContain('"version": 1.0\r\n}');
    expect(out).toContain('"children": ["phase-1"],\r\n');
    expect(out).not.toMatch(/[^\r]\n/);
    // Lines that did not change are still there, byte for byte.
    const kept = oursText.split("\r\n").filter((l) => !out.split("\r\n").includes(l));
    expect(
      kept.every((l) => /status|completed_tasks|last_updated|metadata|journal|\]|"journal"|^\s+\}/.test(l)),
      kept.join("\n"),
    ).toBe(true);
  });
});
