/**
 * Recovery: `history` lists every recorded change as a JSON Patch, `undo`
 * reverts changes as a new transaction without clobbering edits made outside sdd, and
 * `doctor` finds and repairs what crashes leave behind: torn specs (restored from backups
 * plus the recorded changes), leftover temp files, stale locks, and duplicate ids.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findSpecsDir } from "../../src/core/store/discovery.js";
import { runDoctor } from "../../src/core/doctor/doctor.js";
import { planMove } from "../../src/core/mutations/lifecycle.js";
import { planStatusChange } from "../../src/core/mutations/status.js";
import type { SpecFolder, Status } from "../../src/core/spec/model.js";
import { transact, type Plan, type PlanContext } from "../../src/core/store/transaction.js";
import { makeSpec, oneJson, runCli, specsTree, writeTree } from "../helpers.js";

const ID = "recover-2026-01-01-001";
const JOURNALED = new Set(["task", "verify"]);
const HOUR_AGO = (Date.now() - 3_600_000) / 1000;

/** A specs tree holding the demo spec in active/, with every lifecycle folder present. */
function tree(): string {
  const dir = specsTree([{ spec: makeSpec(ID) }]);
  writeTree(dir, Object.fromEntries(["pending", "completed", "archived"].map((f) => [`specs/${f}/.gitkeep`, ""])));
  return dir;
}

/** The same tree, with a number written as `3.0`, which a minimal writer must keep as it is. */
function treeWithRawNumber(): string {
  const dir = tree();
  const spec = makeSpec(ID, (s) => (s.hierarchy["task-1-2"].metadata.estimated_hours = 3));
  writeTree(dir, {
    [`specs/active/${ID}.json`]: JSON.stringify(spec, null, 2).replace('"estimated_hours": 3', '"estimated_hours": 3.0') + "\n",
  });
  return dir;
}

/** One recorded change, made in-process the way the commands make it. */
async function change<T>(dir: string, command: string, planner: (ctx: PlanContext) => Plan<T>): Promise<void> {
  await transact({ specsDir: join(dir, "specs"), spec: ID, cwd: dir, env: {}, command }, planner);
}
const setStatus = (dir: string, task: string, status: Status): Promise<void> =>
  change(dir, "update-status", (ctx) => planStatusChange(ctx, { task, status, journaledTypes: JOURNALED }));
const moveTo = (dir: string, folder: SpecFolder): Promise<void> =>
  change(dir, "move-spec", (ctx) => planMove(ctx, folder, { journaledTypes: JOURNALED, force: true }));

const fileIn = (dir: string, folder = "active"): string => join(dir, "specs", folder, `${ID}.json`);
const read = (file: string): Record<string, any> => JSON.parse(readFileSync(file, "utf8"));
const statusOf = (file: string, task: string): string => read(file).hierarchy[task].status;
const historyOf = (dir: string): { seq: number; command: string }[] =>
  readFileSync(join(dir, "specs", ".history", `${ID}.jsonl`), "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));

/** Edit the spec the way a person or another tool would: parse, change, write back. */
function editByHand(file: string, edit: (spec: Record<string, any>) => void): void {
  const spec = read(file);
  edit(spec);
  writeFileSync(file, JSON.stringify(spec, null, 2) + "\n");
}

describe("history", () => {
  it("lists every recorded change with its patch, oldest first, in text and JSON", async () => {
    const dir = tree();
    await setStatus(dir, "task-1-1", "in_progress");
    await setStatus(dir, "task-1-1", "completed");
    const [json, text] = await Promise.all([runCli(["history", ID, "--json"], { cwd: dir }), runCli(["history", ID], { cwd: dir })]);
    expect(json.code).toBe(0);
    const entries = oneJson(json.stdout).entries;
    expect(entries.map((e: { seq: number; command: string }) => [e.seq, e.command])).toEqual([
      [1, "update-status"],
      [2, "update-status"],
    ]);
    expect(entries[0].patch).toContainEqual({ op: "replace", path: "/hierarchy/task-1-1/status", value: "in_progress" });
    expect(entries[1].patch).toContainEqual({ op: "replace", path: "/hierarchy/task-1-1/status", value: "completed" });
    expect(entries[1].patch).toContainEqual({ op: "replace", path: "/hierarchy/phase-1/completed_tasks", value: 1 });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^#1 \S+ update-status$/m);
    expect(text.stdout).toMatch(/^#2 \S+ update-status$/m);
    expect(text.stdout).toContain('  replace /hierarchy/task-1-1/status "completed"');
  });
});

describe("undo", () => {
  it("reverts the last change: the task's status is back, and the undo is itself recorded", async () => {
    const dir = tree();
    const original = read(fileIn(dir));
    await setStatus(dir, "task-1-1", "completed");
    expect(statusOf(fileIn(dir), "task-1-1")).toBe("completed");
    const r = await runCli(["undo", ID], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${ID}: undid #1 (back to #0)`);
    const after = read(fileIn(dir));
    expect({ ...after, last_updated: original.last_updated }).toEqual(original);
    expect(historyOf(dir).map((e) => [e.seq, e.command])).toEqual([
      [1, "update-status"],
      [2, "undo"],
    ]);
  });

  it("puts a reverted number back as it was written (3.0, not 3): the file is the original text but for last_updated", async () => {
    const dir = treeWithRawNumber();
    const file = fileIn(dir);
    const original = readFileSync(file, "utf8");
    const set = await runCli(["update-task-metadata", ID, "task-1-2", "--estimated-hours", "5"], { cwd: dir });
    expect(set.code, set.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toContain('"estimated_hours": 5');
    const r = await runCli(["undo", ID], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const stamp = (text: string): string => text.replace(/"last_updated": "[^"]*"/, '"last_updated": ""');
    expect(stamp(readFileSync(file, "utf8"))).toBe(stamp(original));
    expect(readFileSync(file, "utf8")).toContain('"estimated_hours": 3.0');
  });

  it("undo --to N reverts every later change and moves the spec back to the folder it was in", async () => {
    const dir = tree();
    await setStatus(dir, "task-1-1", "in_progress");
    await moveTo(dir, "archived");
    await setStatus(dir, "task-1-2", "in_progress");
    expect(existsSync(fileIn(dir, "archived"))).toBe(true);
    const r = await runCli(["undo", ID, "--to", "1", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(oneJson(r.stdout)).toMatchObject({ to: 1, undone: [2, 3], history_seq: 4 });
    expect(existsSync(fileIn(dir, "archived"))).toBe(false);
    const spec = read(fileIn(dir, "active"));
    expect(spec.metadata.status).toBe("active");
    expect([spec.hierarchy["task-1-1"].status, spec.hierarchy["task-1-2"].status]).toEqual(["in_progress", "pending"]);
  });

  it("refuses (exit 3, nothing written) when the spec was edited outside sdd at a path the undo would revert", async () => {
    const dir = tree();
    await setStatus(dir, "task-1-1", "completed");
    editByHand(fileIn(dir), (s) => (s.hierarchy["task-1-1"].status = "blocked"));
    const before = readFileSync(fileIn(dir));
    const r = await runCli(["undo", ID], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("the spec was changed outside sdd at /hierarchy/task-1-1/status, which the undo would revert");
    expect(readFileSync(fileIn(dir))).toEqual(before);
    expect(historyOf(dir)).toHaveLength(1);
  });

  it("succeeds and keeps an outside edit made at another path", async () => {
    const dir = tree();
    await setStatus(dir, "task-1-1", "completed");
    editByHand(fileIn(dir), (s) => (s.hierarchy["task-1-2"].title = "Renamed by hand"));
    const r = await runCli(["undo", ID], { cwd: dir });
    expect(r.code).toBe(0);
    const spec = read(fileIn(dir));
    expect(spec.hierarchy["task-1-1"].status).toBe("pending");
    expect(spec.hierarchy["task-1-1"].metadata).toEqual({});
    expect(spec.hierarchy["task-1-2"].title).toBe("Renamed by hand");
  });

  it("with nothing recorded, says so (exit 2)", async () => {
    const dir = tree();
    const r = await runCli(["undo", ID], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("has no recorded changes to undo");
  });
});

describe("doctor", () => {
  it("exits 0 on a healthy tree", async () => {
    const dir = tree();
    await setStatus(dir, "task-1-1", "in_progress");
    const r = await runCli(["doctor"], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: "no problems found\n" });
  });

  it("finds a spec torn mid-write (exit 1); --fix restores it from the backup and the recorded changes", async () => {
    const dir = treeWithRawNumber();
    await setStatus(dir, "task-1-1", "in_progress");
    await setStatus(dir, "task-1-1", "completed");
    const file = fileIn(dir);
    const good = readFileSync(file);
    // What a non-atomic writer killed mid-write leaves: the first half of the new bytes.
    const torn = good.subarray(0, Math.floor(good.length / 2));
    writeFileSync(file, torn);
    const rel = `specs/active/${ID}.json`;
    const backups = join(dir, "specs", ".backups", ID);

    const found = await runCli(["doctor"], { cwd: dir });
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`unparseable ${rel}: the spec does not parse; sdd doctor --fix restores it from backup`);

    const fixed = await runCli(["doctor", "--fix", "--json"], { cwd: dir });
    expect(fixed.code).toBe(0);
    const report = oneJson(fixed.stdout);
    expect(report).toMatchObject({ ok: true, fixed: 1, remaining: 0 });
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: "unparseable",
        file: rel,
        fixed: true,
        restored_from: `specs/.backups/${ID}/00000002.json`,
        replayed: [2],
        lost: ["any change made to the file by a tool other than sdd after its last recorded write"],
      }),
    ]);
    // Byte for byte what sdd last wrote, 3.0 included.
    expect(readFileSync(file, "utf8")).toContain('"estimated_hours": 3.0');
    expect(readFileSync(file)).toEqual(good);
    const corrupt = readdirSync(backups).filter((n) => n.startsWith("corrupt-"));
    expect(corrupt).toHaveLength(1);
    expect(readFileSync(join(backups, corrupt[0] ?? ""))).toEqual(torn);
    expect(historyOf(dir).at(-1)?.command).toBe("doctor --fix (restored from backup 2)");

    const validate = await runCli(["validate", ID], { cwd: dir });
    expect(validate.code).toBe(0);
  });

  it("after a restore, undo reverts the last change sdd recorded before it", async () => {
    const dir = tree();
    await setStatus(dir, "task-1-1", "in_progress");
    await setStatus(dir, "task-1-1", "completed");
    writeFileSync(fileIn(dir), readFileSync(fileIn(dir)).subarray(0, 100));
    expect(runDoctor({ loc: findSpecsDir({ cwd: dir, env: {} }), cwd: dir, env: {}, fix: true })).toMatchObject([{ fixed: true }]);
    expect(statusOf(fileIn(dir), "task-1-1")).toBe("completed");
    const r = await runCli(["undo", ID], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("undid #2, #3 (back to #1)");
    expect(statusOf(fileIn(dir), "task-1-1")).toBe("in_progress");
  });

  it("names the recorded changes it could not replay when only an older backup is left", async () => {
    const dir = tree();
    await setStatus(dir, "task-1-1", "in_progress");
    // Another tool adds a task; sdd's next change is to that task, so its patch needs it.
    editByHand(fileIn(dir), (s) => {
      s.hierarchy["phase-1"].children.push("task-1-3");
      s.hierarchy["task-1-3"] = {
        type: "task",
        title: "Added by hand",
        status: "pending",
        parent: "phase-1",
        children: [],
        total_tasks: 1,
        completed_tasks: 0,
        metadata: {},
      };
    });
    await setStatus(dir, "task-1-3", "in_progress");
    unlinkSync(join(dir, "specs", ".backups", ID, "00000002.json"));
    writeFileSync(fileIn(dir), '{\n  "spec_id": ');

    const [problem] = runDoctor({ loc: findSpecsDir({ cwd: dir, env: {} }), cwd: dir, env: {}, fix: true });
    expect(problem).toMatchObject({ kind: "unparseable", fixed: true, restored_from: `specs/.backups/${ID}/00000001.json`, replayed: [1] });
    expect(problem?.lost?.[0]).toMatch(/^#2 \S+ update-status \(\d+ operation\(s\)\) does not apply to the restored state$/);
    const spec = read(fileIn(dir));
    expect(spec.hierarchy["task-1-1"].status).toBe("in_progress");
    expect(spec.hierarchy["task-1-3"]).toBeUndefined();
  });

  it("reports leftover temp files and stale locks, and --fix removes them, leaving live ones alone", async () => {
    const dir = tree();
    const specs = join(dir, "specs");
    const oldTemp = join(specs, "active", `.${ID}.json.4242.0a0b0c0d.sdd-tmp`);
    const pythonTemp = join(specs, "active", `${ID}.tmp`);
    const freshTemp = join(specs, "active", `.${ID}.json.4343.0e0f0a0b.sdd-tmp`);
    const staleLock = join(specs, ".locks", `${ID}.lock`);
    const liveLock = join(specs, ".locks", "other-2026-01-01-001.lock");
    writeTree(dir, {
      [`specs/active/.${ID}.json.4242.0a0b0c0d.sdd-tmp`]: "{",
      [`specs/active/${ID}.tmp`]: "{",
      [`specs/active/.${ID}.json.4343.0e0f0a0b.sdd-tmp`]: "{",
    });
    mkdirSync(staleLock, { recursive: true });
    mkdirSync(liveLock, { recursive: true });
    for (const p of [oldTemp, pythonTemp, staleLock]) utimesSync(p, HOUR_AGO, HOUR_AGO);

    const found = await runCli(["doctor", "--json"], { cwd: dir });
    expect(found.code).toBe(1);
    const kinds = (r: { stdout: string }): string[][] =>
      oneJson(r.stdout)
        .problems.map((p: { kind: string; file: string; fixed: boolean }) => [p.kind, p.file, String(p.fixed)])
        .sort();
    expect(kinds(found)).toEqual([
      ["stale-lock", `specs/.locks/${ID}.lock`, "false"],
      ["temp-file", `specs/active/.${ID}.json.4242.0a0b0c0d.sdd-tmp`, "false"],
      ["temp-file", `specs/active/${ID}.tmp`, "false"],
    ]);

    const fixed = await runCli(["doctor", "--fix", "--json"], { cwd: dir });
    expect(fixed.code).toBe(0);
    expect(kinds(fixed).map((k) => k[2])).toEqual(["true", "true", "true"]);
    expect([oldTemp, pythonTemp, staleLock].filter((p) => existsSync(p))).toEqual([]);
    expect([freshTemp, liveLock, fileIn(dir)].filter((p) => existsSync(p))).toEqual([freshTemp, liveLock, fileIn(dir)]);
  });

  it("reports a duplicate id naming both files, and --fix leaves the choice to the user (exit 1)", async () => {
    const dir = specsTree([{ spec: makeSpec(ID) }, { folder: "completed", spec: makeSpec(ID) }]);
    const [found, fix] = await Promise.all([runCli(["doctor", "--json"], { cwd: dir }), runCli(["doctor", "--fix"], { cwd: dir })]);
    expect(found.code).toBe(1);
    expect(oneJson(found.stdout).problems).toEqual([
      expect.objectContaining({
        kind: "duplicate-id",
        fixed: false,
        message: expect.stringContaining(`is in specs/active/${ID}.json and specs/completed/${ID}.json`),
      }),
    ]);
    expect(fix.code).toBe(1);
    expect(fix.stdout).toContain("duplicate-id");
    expect([fileIn(dir, "active"), fileIn(dir, "completed")].every((p) => existsSync(p))).toBe(true);
  });
  it("reports a metadata.work_item_spec link to a file that does not exist, and --fix leaves it (exit 1)", async () => {
    const dir = specsTree([{ spec: makeSpec(ID, (s) => (s.metadata.work_item_spec = "work-items/gone.md")) }]);
    const r = await runCli(["doctor", "--fix", "--json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(oneJson(r.stdout).problems).toEqual([
      expect.objectContaining({ kind: "broken-link", fixed: false, message: expect.stringContaining("work-items/gone.md") }),
    ]);
    expect(read(fileIn(dir)).metadata.work_item_spec).toBe("work-items/gone.md");
  });
});
