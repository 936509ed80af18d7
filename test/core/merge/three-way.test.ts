/**
 * The three-way merge of a spec's journal and of a node's `children`: each side's edits,
 * deletions and reorderings against the base are kept, and what cannot be combined is a
 * conflict, never a silently wrong file.
 */
import { describe, expect, it } from "vitest";
import { mergeJson } from "../../../src/core/merge/merge.js";
import { makeSpec } from "../../helpers.js";

type Spec = Record<string, any>;

function entry(timestamp: string, task_id: string, content = `Task ${task_id} marked as completed.`): Spec {
  return { timestamp, entry_type: "status_change", title: `Task Completed: ${task_id}`, author: "sdd", content, metadata: {}, task_id };
}

const E1 = entry("2026-01-02T00:00:00Z", "task-1-1");
const E2 = entry("2026-01-03T00:00:00Z", "task-1-2");
const E3 = entry("2026-01-04T00:00:00Z", "verify-1-1");

/** A base spec with journal entries E1 and E2, and two copies edited as given. */
function sides(editOurs: (s: Spec) => void, editTheirs: (s: Spec) => void): { base: Spec; ours: Spec; theirs: Spec } {
  const base = makeSpec(undefined, (s) => (s.journal = [structuredClone(E1), structuredClone(E2)]));
  const ours = structuredClone(base);
  const theirs = structuredClone(base);
  editOurs(ours);
  editTheirs(theirs);
  return { base, ours, theirs };
}

const journalOf = (r: { merged: unknown }): Spec[] => (r.merged as Spec).journal as Spec[];
const childrenOf = (r: { merged: unknown }, id = "phase-1"): string[] => (r.merged as Spec).hierarchy[id].children as string[];
const pointers = (r: { conflicts: { pointer: string }[] }): string[] => r.conflicts.map((c) => c.pointer);

describe("journal: entries identified by timestamp, task_id and entry_type", () => {
  it("an entry edited on one side is in the result once, edited, beside the other side's new entry", () => {
    for (const [editSide, addSide] of [
      ["ours", "theirs"],
      ["theirs", "ours"],
    ] as const) {
      const edit = (s: Spec): void => void (s.journal[0].content = "Task task-1-1 marked as completed. Note: reviewed.");
      const add = (s: Spec): void => void s.journal.push(structuredClone(E3));
      const { base, ours, theirs } = sides(editSide === "ours" ? edit : add, addSide === "ours" ? edit : add);
      const r = mergeJson(base, ours, theirs, "spec");
      expect(r.conflicts).toEqual([]);
      expect(journalOf(r)).toEqual([{ ...E1, content: "Task task-1-1 marked as completed. Note: reviewed." }, E2, E3]);
    }
  });

  it("an entry edited identically on both sides is taken once", () => {
    const edit = (s: Spec): void => void (s.journal[1].title = "Task Completed: Second (renamed)");
    const { base, ours, theirs } = sides((s) => {
      edit(s);
      s.journal.push(structuredClone(E3));
    }, edit);
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([]);
    expect(journalOf(r)).toEqual([E1, { ...E2, title: "Task Completed: Second (renamed)" }, E3]);
  });

  it("an entry edited differently on both sides is a conflict at that entry", () => {
    const { base, ours, theirs } = sides(
      (s) => (s.journal[0].content = "ours' wording"),
      (s) => (s.journal[0].content = "theirs' wording"),
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect(pointers(r)).toEqual(["/journal/0"]);
    expect(r.conflicts[0]).toMatchObject({ ours: { content: "ours' wording" }, theirs: { content: "theirs' wording" } });
  });

  it("an entry deleted on one side and left alone on the other stays deleted", () => {
    for (const deleter of ["ours", "theirs"] as const) {
      const del = (s: Spec): void => void s.journal.splice(1, 1);
      const add = (s: Spec): void => void s.journal.push(structuredClone(E3));
      const { base, ours, theirs } = sides(deleter === "ours" ? del : add, deleter === "ours" ? add : del);
      const r = mergeJson(base, ours, theirs, "spec");
      expect(r.conflicts).toEqual([]);
      expect(journalOf(r)).toEqual([E1, E3]);
    }
  });

  it("an entry deleted on both sides stays deleted", () => {
    const { base, ours, theirs } = sides(
      (s) => s.journal.splice(0, 1),
      (s) => {
        s.journal.splice(0, 1);
        s.journal.push(structuredClone(E3));
      },
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([]);
    expect(journalOf(r)).toEqual([E2, E3]);
  });

  it("an entry deleted on one side and edited on the other is a conflict", () => {
    const del = (s: Spec): void => void s.journal.splice(1, 1);
    const edit = (s: Spec): void => void (s.journal[1].content = "edited");
    const one = sides(del, edit);
    const r = mergeJson(one.base, one.ours, one.theirs, "spec");
    expect(pointers(r)).toEqual(["/journal/1"]);
    expect(r.conflicts[0]).toMatchObject({ ours: undefined, theirs: { content: "edited" } });
    const other = sides(edit, del);
    const r2 = mergeJson(other.base, other.ours, other.theirs, "spec");
    expect(pointers(r2)).toEqual(["/journal/1"]);
    expect(r2.conflicts[0]).toMatchObject({ ours: { content: "edited" }, theirs: undefined });
  });

  it("entries added on both sides are all kept, in time order", () => {
    const a = entry("2026-01-05T00:00:00Z", "a");
    const b = entry("2026-01-02T12:00:00Z", "b");
    const c = entry("2026-01-06T00:00:00Z", "c");
    const { base, ours, theirs } = sides(
      (s) => s.journal.push(a),
      (s) => s.journal.push(c, b),
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([]);
    expect(journalOf(r)).toEqual([E1, b, E2, a, c]);
  });

  it("two different entries added with the same timestamp, task and type are a conflict", () => {
    const { base, ours, theirs } = sides(
      (s) => s.journal.push(entry("2026-01-05T00:00:00Z", "task-1-1", "ours")),
      (s) => s.journal.push(entry("2026-01-05T00:00:00Z", "task-1-1", "theirs")),
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect(pointers(r)).toEqual(["/journal/2"]);
  });

  it("entries sharing one identity: one side's change to them is taken, both sides' changes conflict", () => {
    const twin = (content: string): Spec => entry("2026-01-02T00:00:00Z", "task-1-1", content);
    const withTwins = (s: Spec): void => void (s.journal = [twin("first"), twin("second"), structuredClone(E2)]);
    const make = (o: (s: Spec) => void, t: (s: Spec) => void) => {
      const r = sides(withTwins, withTwins);
      withTwins(r.base);
      o(r.ours);
      t(r.theirs);
      return r;
    };
    const one = make(
      (s) => (s.journal[1].content = "second, edited"),
      (s) => s.journal.push(structuredClone(E3)),
    );
    const r1 = mergeJson(one.base, one.ours, one.theirs, "spec");
    expect(r1.conflicts).toEqual([]);
    expect(journalOf(r1)).toEqual([twin("first"), twin("second, edited"), E2, E3]);

    const deleted = make(
      (s) => s.journal.splice(0, 1),
      (s) => s.journal.push(structuredClone(E3)),
    );
    const r2 = mergeJson(deleted.base, deleted.ours, deleted.theirs, "spec");
    expect(r2.conflicts).toEqual([]);
    expect(journalOf(r2)).toEqual([twin("second"), E2, E3]);

    const both = make(
      (s) => (s.journal[0].content = "ours"),
      (s) => (s.journal[1].content = "theirs"),
    );
    const r3 = mergeJson(both.base, both.ours, both.theirs, "spec");
    expect(pointers(r3)).toEqual(["/journal/0"]);
  });
});

describe("children: one side's reordering is kept", () => {
  const node = (id: string): Spec => ({
    type: "task",
    title: id,
    status: "pending",
    parent: "phase-1",
    children: [],
    total_tasks: 1,
    completed_tasks: 0,
    metadata: {},
  });
  const reorder = (s: Spec): void => void (s.hierarchy["phase-1"].children = ["verify-1-1", "task-1-2", "task-1-1"]);
  const addTask13 = (s: Spec): void => {
    s.hierarchy["task-1-3"] = node("task-1-3");
    s.hierarchy["phase-1"].children.push("task-1-3");
  };
  const dropTask12 = (s: Spec): void => {
    delete s.hierarchy["task-1-2"];
    s.hierarchy["phase-1"].children = s.hierarchy["phase-1"].children.filter((c: string) => c !== "task-1-2");
  };

  it("a reordering on one side is taken, with the other side's addition and removal applied", () => {
    for (const reorderer of ["ours", "theirs"] as const) {
      const other = (s: Spec): void => {
        addTask13(s);
        dropTask12(s);
      };
      const { base, ours, theirs } = sides(reorderer === "ours" ? reorder : other, reorderer === "ours" ? other : reorder);
      const r = mergeJson(base, ours, theirs, "spec");
      expect(r.conflicts).toEqual([]);
      expect(childrenOf(r)).toEqual(["verify-1-1", "task-1-1", "task-1-3"]);
      expect(Object.keys((r.merged as Spec).hierarchy)).not.toContain("task-1-2");
    }
  });

  it("a child the other side inserted lands after the child it followed there", () => {
    const { base, ours, theirs } = sides(reorder, (s) => {
      s.hierarchy["task-1-3"] = node("task-1-3");
      s.hierarchy["phase-1"].children.splice(1, 0, "task-1-3");
    });
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([]);
    expect(childrenOf(r)).toEqual(["verify-1-1", "task-1-2", "task-1-1", "task-1-3"]);
  });

  it("without a reordering, each side's insertion stays where that side put it (ours first at the same place)", () => {
    const { base, ours, theirs } = sides(
      (s) => {
        s.hierarchy["task-1-3"] = node("task-1-3");
        s.hierarchy["phase-1"].children.splice(1, 0, "task-1-3");
      },
      (s) => {
        s.hierarchy["task-1-4"] = node("task-1-4");
        s.hierarchy["phase-1"].children.splice(1, 0, "task-1-4");
        s.hierarchy["task-1-5"] = node("task-1-5");
        s.hierarchy["phase-1"].children.push("task-1-5");
      },
    );
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([]);
    expect(childrenOf(r)).toEqual(["task-1-1", "task-1-3", "task-1-4", "task-1-2", "verify-1-1", "task-1-5"]);
  });

  it("the same reordering on both sides, each with its own addition, is not a conflict", () => {
    const { base, ours, theirs } = sides(reorder, (s) => {
      reorder(s);
      addTask13(s);
    });
    const r = mergeJson(base, ours, theirs, "spec");
    expect(r.conflicts).toEqual([]);
    expect(childrenOf(r)).toEqual(["verify-1-1", "task-1-2", "task-1-1", "task-1-3"]);
  });

  it("different reorderings on both sides are a conflict", () => {
    const { base, ours, theirs } = sides(reorder, (s) => (s.hierarchy["phase-1"].children = ["task-1-2", "task-1-1", "verify-1-1"]));
    const r = mergeJson(base, ours, theirs, "spec");
    expect(pointers(r)).toEqual(["/hierarchy/phase-1/children"]);
    expect(r.conflicts[0]).toMatchObject({
      ours: ["verify-1-1", "task-1-2", "task-1-1"],
      theirs: ["task-1-2", "task-1-1", "verify-1-1"],
    });
  });
});

describe("work-item fields: reorderings", () => {
  const item = (keys: string[]): Spec => ({ schema_version: 1, id: "wi-1", fields: keys.map((key) => ({ key, value: key })) });

  it("different reorderings of the fields on both sides are a conflict", () => {
    const r = mergeJson(item(["A", "B", "C"]), item(["C", "A", "B"]), item(["B", "A", "C"]), "work-item");
    expect(pointers(r)).toEqual(["/fields"]);
  });

  it("fields sharing a key merge only by appends; other changes on both sides are a conflict", () => {
    const twins = (values: string[], extra: string[] = []): Spec => ({
      schema_version: 1,
      id: "wi-1",
      fields: [...values.map((value) => ({ key: "Note", value })), ...extra.map((key) => ({ key, value: key }))],
    });
    // Ours deletes the first note, theirs the second: neither may survive as a silent pick.
    const r = mergeJson(twins(["a", "b"]), twins(["b"]), twins(["a"]), "work-item");
    expect(pointers(r)).toEqual(["/fields"]);
    const appended = mergeJson(twins(["a", "b"]), twins(["a", "b"], ["Owner"]), twins(["a", "b"], ["Tests"]), "work-item");
    expect(appended.conflicts).toEqual([]);
    expect((appended.merged as Spec).fields.map((f: Spec) => f.key)).toEqual(["Note", "Note", "Owner", "Tests"]);
  });

  it("one side's reordering is kept with the other side's new field", () => {
    const r = mergeJson(item(["A", "B", "C"]), item(["C", "A", "B"]), item(["A", "B", "C", "D"]), "work-item");
    expect(r.conflicts).toEqual([]);
    expect((r.merged as Spec).fields.map((f: Spec) => f.key)).toEqual(["C", "A", "B", "D"]);
  });
});
