/**
 * The one transaction, called in-process with the real planners:
 * transition rules, roll-ups, complete-task's journal entries, compare-and-swap, dry runs,
 * refusal of new validation errors, backups, history and what is left on disk.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import jsonpatch from "fast-json-patch";
import { describe, expect, it } from "vitest";
import { ConflictError, ExitCode, FindingsError, SddError, UsageError } from "../../../src/core/errors.js";
import { BACKUP_KEEP, historyFile, lastSeq, listBackups, readHistory } from "../../../src/core/store/history.js";
import { planFix } from "../../../src/core/mutations/fix.js";
import { withSpecLock } from "../../../src/core/store/lock.js";
import { planRevision, planTaskMetadata } from "../../../src/core/mutations/metadata.js";
import { planCompleteTask, planJournal, planStatusChange, type StatusChangeInput } from "../../../src/core/mutations/status.js";
import { computeCounts, type Status } from "../../../src/core/spec/model.js";
import {
  transact,
  type Plan,
  type PlanContext,
  type TransactionOptions,
  type TransactionResult,
} from "../../../src/core/store/transaction.js";
import { checkSpec } from "../../../src/core/spec/rules/index.js";
import { schemaFindings } from "../../../src/core/schema/validate.js";
import { makeSpec, specsTree, tempTree, type NodeInit } from "../../helpers.js";

const ID = "demo-2026-01-01-001";
const T1 = "2026-03-01T10:00:00.000Z";
const T2 = "2026-03-02T11:00:00.000Z";
const T3 = "2026-03-03T12:00:00.000Z";
const JOURNALED: ReadonlySet<string> = new Set(["task", "verify"]);

const node = (over: NodeInit): NodeInit => ({
  title: "Untitled",
  status: "pending",
  children: [],
  total_tasks: 1,
  completed_tasks: 0,
  metadata: {},
  ...over,
});

/**
 * spec-root → phase-1 (task-1-1, task-1-2 → subtask-1-2-1, subtask-1-2-2, verify-1-1),
 *             phase-2 (group-2-1 → task-2-1, task-2-2)
 */
function bigSpec(edit?: (spec: Record<string, any>) => void): Record<string, any> {
  const spec = makeSpec(ID, (s) => {
    const h = s.hierarchy;
    h["spec-root"].children = ["phase-1", "phase-2"];
    h["phase-1"].children = ["task-1-1", "task-1-2", "verify-1-1"];
    h["task-1-2"].children = ["subtask-1-2-1", "subtask-1-2-2"];
    h["subtask-1-2-1"] = node({ type: "subtask", title: "Sub one", parent: "task-1-2" });
    h["subtask-1-2-2"] = node({ type: "subtask", title: "Sub two", parent: "task-1-2" });
    h["phase-2"] = node({ type: "phase", title: "Ship", parent: "spec-root", children: ["group-2-1"] });
    h["group-2-1"] = node({ type: "group", title: "Files", parent: "phase-2", children: ["task-2-1", "task-2-2"] });
    h["task-2-1"] = node({ type: "task", title: "Third", parent: "group-2-1" });
    h["task-2-2"] = node({ type: "task", title: "Fourth", parent: "group-2-1" });
    for (const [id, c] of computeCounts(h)) h[id].total_tasks = c.total;
  });
  edit?.(spec);
  return spec;
}

interface Fixture {
  dir: string;
  specsDir: string;
  file: string;
  read: () => Record<string, any>;
  bytes: () => Buffer;
  run: <T>(planner: (c: PlanContext) => Plan<T>, over?: Partial<TransactionOptions> & { now?: string }) => Promise<TransactionResult<T>>;
  status: (task: string, status: Status, extra?: Partial<StatusChangeInput> & { now?: string }) => Promise<TransactionResult<unknown>>;
  complete: (task: string, now?: string) => Promise<TransactionResult<{ journal_entries: number }>>;
}

function fixture(spec: Record<string, any> = bigSpec()): Fixture {
  const dir = specsTree([{ spec }]);
  const specsDir = join(dir, "specs");
  const file = join(specsDir, "active", `${String(spec.spec_id)}.json`);
  const run: Fixture["run"] = (planner, over = {}) => {
    const { now, ...rest } = over;
    return transact({ specsDir, spec: String(spec.spec_id), cwd: dir, env: { SDD_NOW: now ?? T1 }, command: "test", ...rest }, planner);
  };
  return {
    dir,
    specsDir,
    file,
    read: () => JSON.parse(readFileSync(file, "utf8")) as Record<string, any>,
    bytes: () => readFileSync(file),
    run,
    status: (task, status, extra = {}) => {
      const { now, ...input } = extra;
      return run((c) => planStatusChange(c, { task, status, journaledTypes: JOURNALED, ...input }), {
        command: "update-status",
        ...(now === undefined ? {} : { now }),
      });
    },
    complete: (task, now) =>
      run(
        (c) =>
          planCompleteTask(c, {
            task,
            status: "completed",
            journaledTypes: JOURNALED,
            journal: { title: `Task Completed: ${task}`, content: "done", entryType: "status_change", author: "tester" },
          }),
        { command: "complete-task", ...(now === undefined ? {} : { now }) },
      ),
  };
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<SddError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SddError);
    return err as SddError;
  }
  throw new Error("expected the transaction to fail");
}

const errorFindings = (doc: unknown, folder: "active" = "active") =>
  [...schemaFindings("spec", doc), ...checkSpec(doc, { fileStem: ID, folder })].filter((f) => f.severity === "error");

/** Every file and directory under `dir`, relative. */
function walk(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const rel = prefix + d.name;
    return d.isDirectory() ? [rel + "/", ...walk(join(dir, d.name), rel + "/")] : [rel];
  });
}

describe("the test spec", () => {
  it("is valid before any change", () => {
    const f = fixture();
    expect(errorFindings(f.read())).toEqual([]);
    expect(f.read().hierarchy["spec-root"].total_tasks).toBe(6);
  });
});

describe("transitions and their metadata", () => {
  it("in_progress sets started_at once; re-entering in_progress keeps it", async () => {
    const f = fixture();
    await f.status("task-1-1", "in_progress", { now: T1 });
    expect(f.read().hierarchy["task-1-1"].metadata.started_at).toBe(T1);
    await f.status("task-1-1", "blocked", { now: T2 });
    await f.status("task-1-1", "in_progress", { now: T3 });
    const md = f.read().hierarchy["task-1-1"].metadata;
    expect(md.started_at).toBe(T1);
    expect(f.read().hierarchy["task-1-1"].status).toBe("in_progress");
  });

  it("pending removes started_at", async () => {
    const f = fixture();
    await f.status("task-1-1", "in_progress");
    await f.status("task-1-1", "pending", { now: T2 });
    expect(f.read().hierarchy["task-1-1"].metadata).not.toHaveProperty("started_at");
  });

  it("completed sets completed_at, and needs_journaling for task and verify", async () => {
    const f = fixture();
    await f.status("task-1-1", "completed", { now: T2 });
    await f.status("verify-1-1", "completed", { now: T2 });
    await f.status("subtask-1-2-1", "completed", { now: T2 });
    const h = f.read().hierarchy;
    expect(h["task-1-1"].metadata).toEqual({ completed_at: T2, needs_journaling: true });
    expect(h["verify-1-1"].metadata).toMatchObject({ completed_at: T2, needs_journaling: true });
    // Subtasks are not a journaled type by default.
    expect(h["subtask-1-2-1"].metadata).toEqual({ completed_at: T2 });
    expect(h["task-1-1"].completed_tasks).toBe(1);
    expect(f.read().last_updated).toBe(T2);
  });

  it("reopening removes completed_at, needs_journaling and journaled_at", async () => {
    const f = fixture();
    await f.status("task-1-1", "completed", { now: T1 });
    await f.run((c) => ({
      ops: planJournal(c, { title: "t", content: "c", entryType: "note", author: "a", taskId: "task-1-1" }),
      result: null,
    }));
    expect(f.read().hierarchy["task-1-1"].metadata).toEqual({ completed_at: T1, needs_journaling: false, journaled_at: T1 });
    await f.status("task-1-1", "in_progress", { now: T2 });
    expect(f.read().hierarchy["task-1-1"].metadata).toEqual({ started_at: T2 });
    expect(f.read().hierarchy["task-1-1"].completed_tasks).toBe(0);
  });

  it("unblocking moves the blocker fields to resolved_blockers and removes them", async () => {
    const f = fixture();
    await f.status("task-1-1", "blocked", {
      now: T1,
      blocker: { type: "resource", description: "no staging DB", ticket: "OPS-7" },
    });
    expect(f.read().hierarchy["task-1-1"].metadata).toEqual({
      blocked_at: T1,
      blocker_type: "resource",
      blocker_description: "no staging DB",
      blocker_ticket: "OPS-7",
      blocked_by_external: true,
    });
    await f.status("task-1-1", "pending", { now: T2, from: "blocked", resolution: "DB provisioned" });
    expect(f.read().hierarchy["task-1-1"].metadata).toEqual({
      resolved_blockers: [
        {
          blocked_at: T1,
          blocker_type: "resource",
          description: "no staging DB",
          ticket: "OPS-7",
          resolved_at: T2,
          resolution: "DB provisioned",
        },
      ],
    });
    expect(errorFindings(f.read())).toEqual([]);
  });

  it("leaving blocked by any transition records the blocker; a second block appends", async () => {
    const f = fixture();
    await f.status("task-1-1", "blocked", { now: T1, blocker: { type: "technical", description: "flaky" } });
    await f.status("task-1-1", "in_progress", { now: T2 });
    await f.status("task-1-1", "blocked", { now: T2, blocker: { type: "decision", description: "which API" } });
    await f.status("task-1-1", "completed", { now: T3 });
    const md = f.read().hierarchy["task-1-1"].metadata;
    expect(md.resolved_blockers).toEqual([
      { blocked_at: T1, blocker_type: "technical", description: "flaky", resolved_at: T2, resolution: "status set to in_progress" },
      { blocked_at: T2, blocker_type: "decision", description: "which API", resolved_at: T3, resolution: "status set to completed" },
    ]);
    for (const k of ["blocked_at", "blocker_type", "blocker_description", "blocker_ticket", "blocked_by_external"])
      expect(md).not.toHaveProperty(k);
  });

  it("a note sets status_note; a later status change without a note removes it", async () => {
    const f = fixture();
    await f.status("task-1-1", "in_progress", { note: "halfway" });
    expect(f.read().hierarchy["task-1-1"].metadata.status_note).toBe("halfway");
    await f.status("task-1-1", "completed");
    expect(f.read().hierarchy["task-1-1"].metadata).not.toHaveProperty("status_note");
  });

  it("setting the status a node already has changes nothing and writes nothing", async () => {
    const f = fixture();
    const before = f.bytes();
    const r = await f.status("task-1-1", "pending");
    expect(r.changed).toBe(false);
    expect(r.patch).toEqual([]);
    expect(f.bytes().equals(before)).toBe(true);
    expect(readHistory(f.specsDir, ID)).toEqual([]);
  });
});

describe("roll-ups", () => {
  it("a leaf subtask or verify node set to in_progress stays in_progress", async () => {
    const f = fixture();
    await f.status("subtask-1-2-1", "in_progress");
    await f.status("verify-1-1", "in_progress");
    const h = f.read().hierarchy;
    expect(h["subtask-1-2-1"].status).toBe("in_progress");
    expect(h["verify-1-1"].status).toBe("in_progress");
    // Its parents derive in_progress from it.
    expect(h["task-1-2"].status).toBe("in_progress");
    expect(h["phase-1"].status).toBe("in_progress");
    expect(h["spec-root"].status).toBe("in_progress");
    expect(h["phase-2"].status).toBe("pending");
  });

  it("a container with work below cannot be set by hand, except to blocked", async () => {
    const f = fixture();
    const err = await rejection(f.status("phase-1", "completed"));
    expect(err.code).toBe("derived-status");
    expect(err.exitCode).toBe(ExitCode.findings);
    await f.status("phase-1", "blocked", { blocker: { type: "decision", description: "scope" } });
    expect(f.read().hierarchy["phase-1"].status).toBe("blocked");
  });

  it("containers follow their work: in_progress when work started, pending when none has, completed when all is", async () => {
    const f = fixture();
    await f.status("task-2-1", "in_progress");
    let h = f.read().hierarchy;
    expect([h["group-2-1"].status, h["phase-2"].status, h["spec-root"].status]).toEqual(["in_progress", "in_progress", "in_progress"]);
    await f.status("task-2-1", "pending");
    h = f.read().hierarchy;
    expect([h["group-2-1"].status, h["phase-2"].status, h["spec-root"].status]).toEqual(["pending", "pending", "pending"]);

    await f.status("task-2-1", "completed", { now: T2 });
    h = f.read().hierarchy;
    expect(h["group-2-1"]).toMatchObject({ status: "in_progress", total_tasks: 2, completed_tasks: 1 });
    await f.status("task-2-2", "completed", { now: T3 });
    h = f.read().hierarchy;
    expect(h["group-2-1"]).toMatchObject({ status: "completed", total_tasks: 2, completed_tasks: 2 });
    expect(h["phase-2"]).toMatchObject({ status: "completed", completed_tasks: 2 });
    // Groups and phases are not journaled types by default: completed_at only.
    expect(h["group-2-1"].metadata).toEqual({ completed_at: T3 });
    expect(h["phase-2"].metadata).toEqual({ completed_at: T3 });
    expect(h["spec-root"]).toMatchObject({ status: "in_progress", total_tasks: 6, completed_tasks: 2 });
    expect(errorFindings(f.read())).toEqual([]);
  });

  it("a container that stops being completed loses completed_at", async () => {
    const f = fixture();
    await f.status("task-2-1", "completed");
    await f.status("task-2-2", "completed");
    expect(f.read().hierarchy["phase-2"].metadata.completed_at).toBe(T1);
    await f.status("task-2-2", "in_progress", { now: T2 });
    const h = f.read().hierarchy;
    expect(h["phase-2"].status).toBe("in_progress");
    expect(h["phase-2"].metadata).toEqual({});
    expect(h["group-2-1"].metadata).toEqual({});
  });

  it("a task with subtasks completes by roll-up and gets needs_journaling (task is a journaled type)", async () => {
    const f = fixture();
    await f.status("subtask-1-2-1", "completed", { now: T1 });
    await f.status("subtask-1-2-2", "completed", { now: T2 });
    const t = f.read().hierarchy["task-1-2"];
    expect(t).toMatchObject({ status: "completed", total_tasks: 2, completed_tasks: 2 });
    expect(t.metadata).toEqual({ completed_at: T2, needs_journaling: true });
  });

  it("a container explicitly blocked stays blocked while work is open, and completes when all of it is done", async () => {
    const f = fixture();
    await f.status("group-2-1", "blocked", { blocker: { type: "dependency", description: "upstream" } });
    await f.status("task-2-1", "completed");
    expect(f.read().hierarchy["group-2-1"].status).toBe("blocked");
    expect(f.read().hierarchy["phase-2"].status).toBe("in_progress");
    await f.status("task-2-2", "completed");
    expect(f.read().hierarchy["group-2-1"].status).toBe("completed");
  });

  it("a blocked leaf does not block its parent", async () => {
    const f = fixture();
    await f.status("task-2-1", "blocked", { blocker: { type: "technical", description: "x" } });
    expect(f.read().hierarchy["group-2-1"].status).toBe("pending");
  });

  it("wrong counts on the changed node's path are recomputed by the write", async () => {
    const f = fixture(
      bigSpec((s) => {
        s.hierarchy["spec-root"].total_tasks = 42;
        s.hierarchy["phase-1"].completed_tasks = 3;
      }),
    );
    await f.status("task-1-1", "in_progress");
    expect(f.read().hierarchy["spec-root"].total_tasks).toBe(6);
    expect(f.read().hierarchy["phase-1"].completed_tasks).toBe(0);
  });

  it("a wrong count in another branch is left as it is, still reported, and repaired by fix", async () => {
    const f = fixture(
      bigSpec((s) => {
        s.hierarchy["phase-2"].completed_tasks = 2;
        s.hierarchy["group-2-1"].status = "completed";
      }),
    );
    const mismatches = (doc: unknown): string[] =>
      checkSpec(doc, { fileStem: ID, folder: "active" })
        .filter((x) => x.code === "rollup-mismatch" || x.code === "status-open-work")
        .map((x) => x.pointer);
    const wrong = ["/hierarchy/phase-2/completed_tasks", "/hierarchy/group-2-1/status"];
    expect(mismatches(f.read())).toEqual(wrong);
    const r = await f.status("task-1-1", "completed");
    expect(r.patch.filter((op) => op.path.includes("phase-2") || op.path.includes("group-2-1"))).toEqual([]);
    const doc = f.read();
    expect(doc.hierarchy["phase-2"].completed_tasks).toBe(2);
    expect(doc.hierarchy["group-2-1"].status).toBe("completed");
    // The root is on the changed path: its count is the true one (task-1-1), not phase-2's.
    expect(doc.hierarchy["spec-root"].completed_tasks).toBe(1);
    expect(mismatches(doc)).toEqual(wrong);
    await f.run((c) => planFix(c));
    const fixed = f.read();
    expect(mismatches(fixed)).toEqual([]);
    expect(fixed.hierarchy["phase-2"].completed_tasks).toBe(0);
    expect(fixed.hierarchy["group-2-1"].status).toBe("pending");
  });
});

describe("what a write changes in the text", () => {
  it("a hand-formatted spec keeps every line but the changed values, roll-ups and last_updated", async () => {
    const f = fixture();
    // 4-space indent, CRLF, child lists on one line, a number written 2.50.
    const spec = { ...f.read(), estimate: 2.5 };
    const text = JSON.stringify(spec, null, 4)
      .replace(
        /"children": \[\n\s*((?:"[^"\n]*",?\n\s*)*)\]/g,
        (_, items: string) =>
          `"children": [${items
            .trim()
            .split(/,\n\s*/)
            .join(", ")}]`,
      )
      .replace('"estimate": 2.5', '"estimate": 2.50')
      .replaceAll("\n", "\r\n");
    writeFileSync(f.file, text);
    await f.status("task-2-1", "completed");
    const out = f.bytes().toString("utf8");
    expect(out).not.toMatch(/[^\r]\n/);
    const was = text.split("\r\n");
    const now = out.split("\r\n");
    const gone = was.filter((l) => !now.includes(l));
    const added = now.filter((l) => !was.includes(l));
    expect(
      gone.every((l) => /"(status|completed_tasks|last_updated|metadata)"/.test(l)),
      gone.join("\n"),
    ).toBe(true);
    expect(
      added.every((l) => /"(status|completed_tasks|last_updated|metadata|completed_at|needs_journaling)"|^\s*\},?$/.test(l)),
      added.join("\n"),
    ).toBe(true);
    // task-2-1, its group, its phase and the root each change status or count.
    const ones = (lines: string[]): number => lines.filter((l) => l.trim() === '"completed_tasks": 1,').length;
    expect(ones(now) - ones(was)).toBe(4);
    expect(now.length - was.length).toBe(3); // completed_at and needs_journaling, and "metadata": {} broken open
    expect(out).toContain('"children": ["phase-1", "phase-2"],');
    expect(out).toContain('"estimate": 2.50');
  });
});

describe("complete-task is one write", () => {
  it("adds one journal entry for the task and one per container completed by roll-up", async () => {
    const f = fixture();
    await f.status("task-2-1", "completed");
    const r = await f.complete("task-2-2", T2);
    expect(r.result.journal_entries).toBe(3);
    expect(readHistory(f.specsDir, ID)).toHaveLength(2);
    const doc = f.read();
    expect(doc.journal.map((e: any) => [e.task_id, e.title])).toEqual([
      ["task-2-2", "Task Completed: task-2-2"],
      ["group-2-1", "Group Completed: Files"],
      ["phase-2", "Phase Completed: Ship"],
    ]);
    for (const e of doc.journal) expect(e).toMatchObject({ timestamp: T2, entry_type: "status_change", author: "tester", metadata: {} });
    const h = doc.hierarchy;
    expect(h["task-2-2"].metadata).toEqual({ completed_at: T2, needs_journaling: false, journaled_at: T2 });
    expect(h["group-2-1"].metadata).toEqual({ completed_at: T2, journaled_at: T2 });
    expect(h["phase-2"].metadata).toEqual({ completed_at: T2, journaled_at: T2 });
    expect(errorFindings(doc)).toEqual([]);
  });

  it("completing the last task journals every ancestor up to the spec", async () => {
    const f = fixture(makeSpec(ID));
    await f.status("task-1-1", "completed");
    await f.status("task-1-2", "completed");
    const r = await f.complete("verify-1-1");
    expect(r.result.journal_entries).toBe(3);
    expect(f.read().journal.map((e: any) => e.task_id)).toEqual(["verify-1-1", "phase-1", "spec-root"]);
    expect(f.read().hierarchy["spec-root"].status).toBe("completed");
  });

  it("with no container completed, adds exactly one entry", async () => {
    const f = fixture();
    const r = await f.complete("task-1-1");
    expect(r.result.journal_entries).toBe(1);
    expect(f.read().journal).toHaveLength(1);
  });

  it("an already completed task is left alone", async () => {
    const f = fixture();
    await f.complete("task-1-1", T1);
    const before = f.bytes();
    const r = await f.complete("task-1-1", T2);
    expect(r.changed).toBe(false);
    expect(r.result.journal_entries).toBe(0);
    expect(f.bytes().equals(before)).toBe(true);
  });
});

describe("compare-and-swap, dry runs and refusals", () => {
  it("a --from mismatch throws a ConflictError (exit 3) and leaves the bytes unchanged", async () => {
    const f = fixture();
    const before = f.bytes();
    const err = await rejection(f.status("task-1-1", "completed", { from: "in_progress" }));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.exitCode).toBe(3);
    expect(err.code).toBe("precondition-failed");
    expect(err.message).toContain("task-1-1");
    expect(f.bytes().equals(before)).toBe(true);
    expect(readHistory(f.specsDir, ID)).toEqual([]);
    expect(listBackups(f.specsDir, ID)).toEqual([]);
  });

  it("a matching --from applies", async () => {
    const f = fixture();
    const r = await f.status("task-1-1", "in_progress", { from: "pending" });
    expect(r.changed).toBe(true);
    expect(f.read().hierarchy["task-1-1"].status).toBe("in_progress");
  });

  it("a dry run writes nothing and returns the patch that would be written", async () => {
    const f = fixture();
    const before = f.bytes();
    const r = await f.run((c) => planStatusChange(c, { task: "task-2-1", status: "in_progress", journaledTypes: JOURNALED }), {
      dryRun: true,
      now: T2,
    });
    expect(r.dry_run).toBe(true);
    expect(r.changed).toBe(true);
    expect(r.history_seq).toBeUndefined();
    expect(f.bytes().equals(before)).toBe(true);
    expect(walk(f.specsDir).sort()).toEqual(["active/", `active/${ID}.json`]);
    // The patch is the whole change: applied to the file it gives what a real run writes.
    const predicted = jsonpatch.applyPatch(JSON.parse(before.toString("utf8")), r.patch, true, false).newDocument;
    const real = await f.status("task-2-1", "in_progress", { now: T2 });
    expect(real.patch).toEqual(r.patch);
    expect(f.read()).toEqual(predicted);
    expect(r.patch).toContainEqual({ op: "replace", path: "/hierarchy/group-2-1/status", value: "in_progress" });
    expect(r.rollup).toEqual([
      { id: "group-2-1", from: "pending", to: "in_progress" },
      { id: "phase-2", from: "pending", to: "in_progress" },
      { id: "spec-root", from: "pending", to: "in_progress" },
    ]);
  });

  it("a change that would add a validation error is refused and nothing is written", async () => {
    const f = fixture();
    const before = f.bytes();
    const err = await rejection(f.run((c) => planTaskMetadata(c, { task: "task-1-1", set: { task_category: "bogus" }, unset: [] })));
    expect(err).toBeInstanceOf(FindingsError);
    expect(err.code).toBe("would-be-invalid");
    expect(err.exitCode).toBe(ExitCode.findings);
    expect(err.message).toContain("/hierarchy/task-1-1/metadata/task_category");
    expect(f.bytes().equals(before)).toBe(true);
    expect(readHistory(f.specsDir, ID)).toEqual([]);
  });

  it("errors the file already had do not block an unrelated change", async () => {
    const f = fixture(
      bigSpec((s) => {
        s.hierarchy["task-2-1"].dependencies = { blocked_by: ["task-9-9"] };
      }),
    );
    expect(errorFindings(f.read()).map((e) => e.code)).toEqual(["dependency-missing"]);
    await f.status("task-1-1", "in_progress");
    expect(f.read().hierarchy["task-1-1"].status).toBe("in_progress");
  });

  it("a missing task is a not-found error (exit 2)", async () => {
    const f = fixture();
    const err = await rejection(f.status("task-7-7", "completed"));
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(err.message).toContain("task-7-7");
  });

  it("a spec given as a path outside the specs directory is refused (exit 2), the file unchanged", async () => {
    const f = fixture();
    const outsideDir = tempTree({ [`${ID}.json`]: JSON.stringify(makeSpec(ID), null, 2) });
    const outside = join(outsideDir, `${ID}.json`);
    const before = readFileSync(outside);
    const err = await rejection(
      transact({ specsDir: f.specsDir, spec: outside, cwd: f.dir, env: { SDD_NOW: T1 }, command: "test" }, (c) =>
        planStatusChange(c, { task: "task-1-1", status: "completed", journaledTypes: JOURNALED }),
      ),
    );
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain(outside);
    expect(readFileSync(outside).equals(before)).toBe(true);
    expect(readdirSync(outsideDir)).toEqual([`${ID}.json`]);
  });

  it("a lock held elsewhere makes the transaction time out with exit 3 and write nothing", async () => {
    const f = fixture();
    const before = f.bytes();
    await withSpecLock(f.specsDir, ID, 1_000, async () => {
      const started = Date.now();
      const err = await rejection(
        f.run((c) => planStatusChange(c, { task: "task-1-1", status: "completed", journaledTypes: JOURNALED }), { lockTimeoutMs: 300 }),
      );
      expect(err).toBeInstanceOf(ConflictError);
      expect(err.code).toBe("lock-timeout");
      expect(err.exitCode).toBe(3);
      expect(err.message).toContain(ID);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(5_000);
    });
    expect(f.bytes().equals(before)).toBe(true);
  });
});

describe("backups, history and leftovers", () => {
  it("records each write in the history, with its patch, and keeps the newest 10 backups", async () => {
    const f = fixture();
    const states: string[] = [f.bytes().toString("utf8")];
    const steps: [string, Status][] = [
      ["task-1-1", "in_progress"],
      ["task-1-1", "completed"],
      ["task-2-1", "blocked"],
      ["task-2-1", "pending"],
      ["subtask-1-2-1", "in_progress"],
      ["subtask-1-2-1", "completed"],
      ["subtask-1-2-2", "completed"],
      ["verify-1-1", "in_progress"],
      ["verify-1-1", "completed"],
      ["task-2-1", "completed"],
      ["task-2-2", "in_progress"],
      ["task-2-2", "completed"],
    ];
    for (const [i, [task, status]] of steps.entries()) {
      const r = await f.status(task, status, { now: `2026-04-01T00:00:${String(i).padStart(2, "0")}.000Z` });
      expect(r.history_seq).toBe(i + 1);
      states.push(f.bytes().toString("utf8"));
    }
    expect(f.read().hierarchy["spec-root"].status).toBe("completed");

    const history = readHistory(f.specsDir, ID);
    expect(history.map((e) => e.seq)).toEqual(steps.map((_, i) => i + 1));
    expect(history.every((e) => e.command === "update-status")).toBe(true);
    expect(lastSeq(f.specsDir, ID)).toBe(steps.length);
    // Each entry's patch turns the previous state into the next one.
    history.forEach((e, i) => {
      const prev = JSON.parse(states[i]!) as unknown;
      expect(jsonpatch.applyPatch(prev, e.patch, true, false).newDocument).toEqual(JSON.parse(states[i + 1]!));
    });

    const backups = listBackups(f.specsDir, ID);
    expect(BACKUP_KEEP).toBe(10);
    expect(backups.map((b) => b.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // Backup `seq` holds the file's bytes as they were before write `seq`.
    for (const b of backups) expect(readFileSync(b.file, "utf8")).toBe(states[b.seq - 1]);
    expect(statSync(historyFile(f.specsDir, ID)).isFile()).toBe(true);
  });

  it("leaves no temp file and no lock behind", async () => {
    const f = fixture();
    await f.status("task-1-1", "in_progress");
    await f.complete("task-1-1");
    await f.run((c) => planRevision(c, { version: "1.1", changes: "scope", author: "a" }));
    const entries = walk(f.specsDir);
    expect(entries.filter((e) => e.includes(".sdd-tmp") || e.endsWith(".lock/") || e.endsWith(".lock"))).toEqual([]);
    expect(readdirSync(join(f.specsDir, ".locks"))).toEqual([]);
    expect(entries).toContain(".history/");
    expect(entries).toContain(`.backups/${ID}/`);
  });

  it("an entry after a torn history line is kept, on a line of its own", async () => {
    const f = fixture();
    await f.status("task-1-1", "in_progress");
    const hist = historyFile(f.specsDir, ID);
    // A crash in the middle of an append leaves a line without its end.
    writeFileSync(hist, readFileSync(hist, "utf8") + '{"seq":2,"timestamp":"x","command":"update-status","patch":[{"op":', { flag: "w" });
    const r = await f.status("task-2-1", "in_progress");
    expect(r.history_seq).toBe(2);
    expect(readHistory(f.specsDir, ID).map((e) => e.seq)).toEqual([1, 2]);
    expect(lastSeq(f.specsDir, ID)).toBe(2);
    expect(existsSync(hist)).toBe(true);
  });
});
