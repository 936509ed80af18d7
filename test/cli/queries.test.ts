/**
 * The read-only questions a user asks about specs (next-task, check-deps, task-info,
 * status-report, list-specs, find-specs), and the commands that create specs and tasks
 * (create, add-task) with the id conventions of the existing tool.
 */
import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSpec } from "../../src/core/store/create.js";
import { planAddNode, type AddNodeInput } from "../../src/core/mutations/structure.js";
import { nextTask } from "../../src/core/spec/queries.js";
import { applyRollup } from "../../src/core/spec/rollup.js";
import { transact } from "../../src/core/store/transaction.js";
import { makeSpec, oneJson, runCli, specsTree, tempTree } from "../helpers.js";

const ID = "query-2026-01-01-001";

function typeOf(id: string): string {
  if (id.startsWith("phase-")) return "phase";
  if (id.startsWith("verify-")) return "verify";
  return id.split("-").length > 3 ? "subtask" : "task";
}

/**
 * A spec from its shape (parent -> children, spec-root first), every node pending; `edit`
 * then sets statuses and dependencies by node id, and roll-ups make the containers agree.
 */
function specOf(shape: Record<string, string[]>, edit: (h: Record<string, any>) => void = () => undefined, id = ID): Record<string, any> {
  const hierarchy: Record<string, any> = {
    "spec-root": {
      type: "spec",
      title: "Root",
      status: "pending",
      parent: null,
      children: [],
      total_tasks: 0,
      completed_tasks: 0,
      metadata: {},
    },
  };
  for (const [parent, kids] of Object.entries(shape)) {
    hierarchy[parent].children = kids;
    for (const kid of kids) {
      hierarchy[kid] = {
        type: typeOf(kid),
        title: `Title of ${kid}`,
        status: "pending",
        parent,
        children: [],
        total_tasks: 0,
        completed_tasks: 0,
        metadata: typeOf(kid) === "verify" ? { verification_type: "manual" } : {},
        dependencies: { blocks: [], blocked_by: [], depends: [] },
      };
    }
  }
  edit(hierarchy);
  const spec = { ...makeSpec(id), hierarchy };
  applyRollup(spec, { timestamp: "2026-01-02T00:00:00Z", journaledTypes: new Set(["task", "verify"]) });
  return spec;
}

/** `blocker` must finish before `node`, recorded both ways as the tools write it. */
function block(h: Record<string, any>, node: string, blocker: string): void {
  h[node].dependencies.blocked_by.push(blocker);
  h[blocker].dependencies.blocks.push(node);
}

const THREE_PHASES = {
  "spec-root": ["phase-1", "phase-2", "phase-3"],
  "phase-1": ["task-1-1", "task-1-2"],
  "phase-2": ["task-2-1", "task-2-2"],
  "phase-3": ["task-3-1"],
};

const offered = (spec: unknown): string | undefined => nextTask(spec).task?.id;

/** The 1-based line of a node's key in a file written by JSON.stringify(_, null, 2). */
function nodeLine(file: string, id: string): number {
  return (
    readFileSync(file, "utf8")
      .split("\n")
      .findIndex((l) => l === `    ${JSON.stringify(id)}: {`) + 1
  );
}

describe("next-task", () => {
  it("never offers a task whose phase waits on an unfinished phase", () => {
    const spec = specOf(THREE_PHASES, (h) => {
      h["task-1-1"].status = "in_progress";
      h["task-1-2"].status = "completed";
      block(h, "phase-2", "phase-1");
    });
    expect(offered(spec)).toBe("task-3-1");
    expect(nextTask(spec).blocked.map((b) => [b.id, b.waiting_for.map((w) => [w.id, w.via])])).toEqual([
      ["task-2-1", [["phase-1", "phase-2"]]],
      ["task-2-2", [["phase-1", "phase-2"]]],
    ]);
  });

  it("never offers a task whose own blocked_by is unfinished, and offers it once that is completed", () => {
    const waiting = specOf(THREE_PHASES, (h) => block(h, "task-1-1", "task-1-2"));
    expect(offered(waiting)).toBe("task-1-2");
    const done = specOf(THREE_PHASES, (h) => {
      block(h, "task-1-1", "task-1-2");
      h["task-1-2"].status = "completed";
    });
    expect(offered(done)).toBe("task-1-1");
  });

  it("never offers a subtask of a task that waits on an unfinished task", () => {
    const spec = specOf({ ...THREE_PHASES, "task-1-1": ["task-1-1-1", "task-1-1-2"] }, (h) => block(h, "task-1-1", "task-1-2"));
    expect(offered(spec)).toBe("task-1-2");
    expect(nextTask(spec).blocked.map((b) => b.id)).toEqual(["task-1-1-1", "task-1-1-2"]);
  });

  it("prefers a phase already in progress over an earlier pending one", () => {
    const spec = specOf(THREE_PHASES, (h) => (h["task-2-1"].status = "completed"));
    expect(spec.hierarchy["phase-2"].status).toBe("in_progress");
    expect(offered(spec)).toBe("task-2-2");
  });

  it("offers leaves in tree order: children order, not id order, and a subtask rather than its task", () => {
    expect(offered(specOf({ ...THREE_PHASES, "phase-1": ["task-1-2", "task-1-1"] }))).toBe("task-1-2");
    expect(offered(specOf({ ...THREE_PHASES, "task-1-1": ["task-1-1-1", "task-1-1-2"] }))).toBe("task-1-1-1");
  });

  it("exits 0 and prints the task on the command line", async () => {
    const dir = specsTree([{ spec: specOf(THREE_PHASES) }]);
    const r = await runCli(["next-task", ID], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: "task-1-1 Title of task-1-1\n" });
  });

  it("exits 1 and says why when nothing is available, in text and JSON", async () => {
    const allDone = specOf(THREE_PHASES, (h) => {
      for (const id of ["task-1-1", "task-1-2", "task-2-1", "task-2-2", "task-3-1"]) h[id].status = "completed";
    });
    const waiting = specOf({ "spec-root": ["phase-1"], "phase-1": ["task-1-1", "task-1-2"] }, (h) => {
      h["task-1-2"].status = "in_progress";
      block(h, "task-1-1", "task-1-2");
    });
    const inProgress = specOf({ "spec-root": ["phase-1"], "phase-1": ["task-1-1", "task-1-2"] }, (h) => {
      h["task-1-1"].status = "completed";
      h["task-1-2"].status = "in_progress";
    });
    const ids = { done: "done-2026-01-01-001", waiting: "waiting-2026-01-01-001", busy: "busy-2026-01-01-001" };
    const dir = specsTree([
      { spec: { ...allDone, spec_id: ids.done } },
      { spec: { ...waiting, spec_id: ids.waiting } },
      { spec: { ...inProgress, spec_id: ids.busy } },
    ]);
    const runs = await Promise.all(
      [ids.done, ids.waiting, ids.busy].flatMap((id) => [
        runCli(["next-task", id], { cwd: dir }),
        runCli(["next-task", id, "--json"], { cwd: dir }),
      ]),
    );
    expect(runs.map((r) => r.code)).toEqual([1, 1, 1, 1, 1, 1]);
    const [doneText, doneJson, waitText, waitJson, busyText, busyJson] = runs.map((r) => r.stdout);

    expect(doneText).toContain(`no task available in ${ids.done}: every task is completed`);
    expect(oneJson(doneJson ?? "")).toMatchObject({
      ok: false,
      exit_code: 1,
      task_id: null,
      task: null,
      reason: "every task is completed",
    });

    expect(waitText).toContain("every pending task waits on unfinished blocked_by prerequisites (1 waiting)");
    expect(waitText).toContain("task-1-1 waits for task-1-2 [in_progress]");
    expect(oneJson(waitJson ?? "")).toMatchObject({
      task_id: null,
      reason: "every pending task waits on unfinished blocked_by prerequisites (1 waiting)",
      waiting: [{ id: "task-1-1", waiting_for: [{ id: "task-1-2", status: "in_progress", via: "task-1-1" }] }],
    });

    expect(busyText).toContain("no pending task is left; 1 in progress");
    expect(busyText).toContain("task-1-2 is in progress");
    expect(oneJson(busyJson ?? "")).toMatchObject({
      reason: "no pending task is left; 1 in progress",
      waiting: [],
      in_progress: [{ id: "task-1-2" }],
    });
  });
});

describe("check-deps, task-info and status-report", () => {
  const depsSpec = (): Record<string, any> =>
    specOf({ "spec-root": ["phase-1", "phase-2"], "phase-1": ["task-1-1", "task-1-2"], "phase-2": ["task-2-1"] }, (h) => {
      block(h, "task-1-2", "task-1-1");
      block(h, "phase-2", "phase-1");
      h["task-1-2"].dependencies.depends.push("task-2-1");
    });

  it("check-deps with a task: what it waits for, its own and its phase's, and what it blocks", async () => {
    const dir = specsTree([{ spec: depsSpec() }]);
    const [one, all] = await Promise.all([
      runCli(["check-deps", ID, "task-2-1", "--json"], { cwd: dir }),
      runCli(["check-deps", ID], { cwd: dir }),
    ]);
    expect(one.code).toBe(0);
    expect(oneJson(one.stdout)).toMatchObject({
      ok: true,
      spec_id: ID,
      task_id: "task-2-1",
      can_start: false,
      blocked_by: [{ id: "phase-1", status: "pending", via: "phase-2" }],
      blocks: [],
    });
    expect(all.code).toBe(0);
    expect(all.stdout.split("\n").filter((l) => l !== "")).toEqual([
      "task-1-1: can start; blocks task-1-2",
      "task-1-2: waits for task-1-1 [pending]",
      "task-2-1: waits for phase-1 [pending]",
    ]);
  });

  it("task-info shows the node's journal entries and its line in the file", async () => {
    const spec = depsSpec();
    spec.journal = [
      {
        timestamp: "2026-01-03T00:00:00Z",
        entry_type: "note",
        title: "About 1-1",
        author: "a",
        content: "x",
        metadata: {},
        task_id: "task-1-1",
      },
      {
        timestamp: "2026-01-03T00:00:00Z",
        entry_type: "note",
        title: "About 1-2",
        author: "a",
        content: "y",
        metadata: {},
        task_id: "task-1-2",
      },
    ];
    const dir = specsTree([{ spec }]);
    const rel = `specs/active/${ID}.json`;
    const line = nodeLine(join(dir, rel), "task-1-1");
    const [json, text] = await Promise.all([
      runCli(["task-info", ID, "task-1-1", "--json"], { cwd: dir }),
      runCli(["task-info", ID, "task-1-1"], { cwd: dir }),
    ]);
    expect(json.code).toBe(0);
    expect(oneJson(json.stdout)).toMatchObject({
      id: "task-1-1",
      type: "task",
      file: rel,
      line,
      can_start: true,
      journal_entries: [{ title: "About 1-1", task_id: "task-1-1" }],
    });
    expect(oneJson(json.stdout).journal_entries).toHaveLength(1);
    expect(text.stdout).toContain(`task-1-1 [pending] Title of task-1-1  (task, ${rel}:${line})`);
    expect(text.stdout).toContain("journal entries: 1");
  });

  it("status-report counts leaf work nodes only, the same total as progress", async () => {
    const spec = specOf(
      { "spec-root": ["phase-1"], "phase-1": ["task-1-1", "task-1-2", "verify-1-1"], "task-1-1": ["task-1-1-1", "task-1-1-2"] },
      (h) => {
        h["task-1-1-1"].status = "completed";
        h["task-1-2"].status = "blocked";
      },
    );
    expect(spec.hierarchy["task-1-1"].status).toBe("in_progress");
    const dir = specsTree([{ spec }]);
    const [report, progress] = await Promise.all([
      runCli(["status-report", ID, "--json"], { cwd: dir }),
      runCli(["progress", ID, "--json"], { cwd: dir }),
    ]);
    const r = oneJson(report.stdout);
    const p = oneJson(progress.stdout);
    // task-1-1 is in progress only through its subtasks: it is not counted itself.
    expect(r.task_counts).toEqual({ pending: 2, in_progress: 0, completed: 1, blocked: 1 });
    const sum = Object.values<number>(r.task_counts).reduce((a, b) => a + b, 0);
    expect(sum).toBe(p.total_tasks);
    expect(p).toMatchObject({ total_tasks: 4, completed_tasks: 1, percentage: 25 });
    expect(r.overall_progress).toMatchObject({ total_tasks: 4, completed_tasks: 1, percentage: 25, complete: false });
  });
});

describe("list-specs and find-specs", () => {
  it("list-specs --status shows only that folder", async () => {
    const dir = specsTree([
      { folder: "pending", spec: makeSpec("a-2026-01-01-001") },
      { folder: "active", spec: makeSpec("b-2026-01-01-001") },
      { folder: "completed", spec: makeSpec("c-2026-01-01-001") },
    ]);
    const [active, all] = await Promise.all([
      runCli(["list-specs", "--status", "active", "--json"], { cwd: dir }),
      runCli(["list-specs", "--json"], { cwd: dir }),
    ]);
    expect(oneJson(active.stdout).specs.map((s: { spec_id: string }) => s.spec_id)).toEqual(["b-2026-01-01-001"]);
    expect(oneJson(all.stdout).specs.map((s: { spec_id: string; status: string }) => `${s.status}/${s.spec_id}`)).toEqual([
      "pending/a-2026-01-01-001",
      "active/b-2026-01-01-001",
      "completed/c-2026-01-01-001",
    ]);
  });

  it("list-specs exits 4 on an unreadable spec and still lists the others", async () => {
    const dir = specsTree([
      { spec: makeSpec("good-2026-01-01-001") },
      { spec: {}, name: "torn-2026-01-01-001.json", raw: '{\n  "spec_id": "torn' },
    ]);
    const [json, text] = await Promise.all([runCli(["list-specs", "--json"], { cwd: dir }), runCli(["list-specs"], { cwd: dir })]);
    expect(json.code).toBe(4);
    const r = oneJson(json.stdout);
    expect(r.specs.map((s: { spec_id: string }) => s.spec_id)).toEqual(["good-2026-01-01-001"]);
    expect(r.unreadable).toEqual([
      expect.objectContaining({ spec_id: "torn-2026-01-01-001", file: "specs/active/torn-2026-01-01-001.json" }),
    ]);
    expect(text.code).toBe(4);
    expect(text.stdout).toContain("good-2026-01-01-001");
    expect(text.stdout).toMatch(/unreadable\s+torn-2026-01-01-001/);
  });

  it("find-specs reports the directory and how it was found: flag, SDD_SPECS_DIR, sdd.config.json, or upwards", async () => {
    const spec = makeSpec(ID);
    const dir = tempTree({
      [`flag-specs/active/${ID}.json`]: spec,
      [`env-specs/active/${ID}.json`]: spec,
      [`configured/pending/${ID}.json`]: spec,
      [`specs/active/${ID}.json`]: spec,
      "sdd.config.json": { specsDir: "configured" },
    });
    const plain = tempTree({ [`meta/sdd/specs/active/${ID}.json`]: spec, "deep/down/.keep": "" });
    const noEnv = { SDD_SPECS_DIR: undefined };
    const [flag, env, config, auto] = await Promise.all([
      runCli(["find-specs", "--json", "--specs-dir", "flag-specs"], { cwd: dir, env: { SDD_SPECS_DIR: join(dir, "env-specs") } }),
      runCli(["find-specs", "--json"], { cwd: dir, env: { SDD_SPECS_DIR: join(dir, "env-specs") } }),
      runCli(["find-specs", "--json"], { cwd: dir, env: noEnv }),
      runCli(["find-specs"], { cwd: join(plain, "deep", "down"), env: noEnv }),
    ]);
    const real = (p: string): string => realpathSync(p);
    expect(oneJson(flag.stdout)).toMatchObject({ ok: true, source: "flag", specs_dir: real(join(dir, "flag-specs")), spec_count: 1 });
    expect(oneJson(env.stdout)).toMatchObject({ source: "env", specs_dir: real(join(dir, "env-specs")) });
    expect(oneJson(config.stdout)).toMatchObject({
      source: "config",
      specs_dir: real(join(dir, "configured")),
      config_file: real(join(dir, "sdd.config.json")),
      folders: { pending: 1, active: 0, completed: 0, archived: 0 },
    });
    expect(auto).toMatchObject({ code: 0, stdout: `${real(join(plain, "meta", "sdd", "specs"))}\n` });
  });

  it("the same id in two folders is an error naming both files (exit 2), and nothing is written", async () => {
    const dir = specsTree([{ spec: makeSpec(ID) }, { folder: "completed", spec: makeSpec(ID) }]);
    const before = readFileSync(join(dir, "specs", "active", `${ID}.json`));
    const [progress, update] = await Promise.all([
      runCli(["progress", ID], { cwd: dir }),
      runCli(["update-status", ID, "task-1-1", "completed", "--json"], { cwd: dir }),
    ]);
    expect(progress.code).toBe(2);
    expect(progress.stderr).toContain(`spec id "${ID}" is in 2 files:`);
    expect(progress.stderr).toContain(join("specs", "active", `${ID}.json`));
    expect(progress.stderr).toContain(join("specs", "completed", `${ID}.json`));
    expect(update.code).toBe(2);
    expect(oneJson(update.stdout).error).toMatchObject({ code: "duplicate-spec-id" });
    expect(readFileSync(join(dir, "specs", "active", `${ID}.json`))).toEqual(before);
  });
});

describe("create and add-task", () => {
  const NOW = { SDD_NOW: "2026-03-01T10:00:00Z" };

  it("create makes valid specs with the next free number, with phases, and never overwrites", async () => {
    const dir = tempTree({ "specs/pending/.gitkeep": "" });
    const first = await runCli(["create", "Payment retries", "--phase", "Build", "--phase", "Ship", "--json"], { cwd: dir, env: NOW });
    const second = await runCli(["create", "Payment retries"], { cwd: dir, env: NOW });
    expect(first.code).toBe(0);
    expect(oneJson(first.stdout)).toMatchObject({ spec_id: "payment-retries-2026-03-01-001", folder: "pending" });
    expect(second).toMatchObject({ code: 0, stdout: expect.stringContaining("created payment-retries-2026-03-01-002") });

    const file = join(dir, "specs", "pending", "payment-retries-2026-03-01-001.json");
    const spec = JSON.parse(readFileSync(file, "utf8"));
    expect(spec.hierarchy["spec-root"].children).toEqual(["phase-1", "phase-2"]);
    expect([spec.hierarchy["phase-1"].title, spec.hierarchy["phase-2"].title]).toEqual(["Build", "Ship"]);
    expect(spec.metadata).toMatchObject({ title: "Payment retries", status: "pending" });

    const before = readFileSync(file);
    const [validate, again] = await Promise.all([
      runCli(["validate", "--strict"], { cwd: dir }),
      runCli(["create", "Other", "--id", "payment-retries-2026-03-01-001"], { cwd: dir }),
    ]);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain("2 spec files checked: no problems found");
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('spec "payment-retries-2026-03-01-001" already exists');
    expect(readFileSync(file)).toEqual(before);
  });

  it("create writes into a lifecycle folder the tree does not have yet", async () => {
    const dir = tempTree({ "specs/pending/.gitkeep": "" });
    const r = await createSpec({
      specsDir: join(dir, "specs"),
      name: "Hot fix",
      folder: "active",
      timestamp: "2026-03-01T10:00:00.000Z",
      lockTimeoutMs: 1000,
    });
    expect(r.spec_id).toBe("hot-fix-2026-03-01-001");
    expect(JSON.parse(readFileSync(join(dir, "specs", "active", "hot-fix-2026-03-01-001.json"), "utf8")).metadata.status).toBe("active");
  });

  it("add-task ids follow the conventions: task-N-K under phase-N, task-N-K-J below a task, verify-N-K", async () => {
    const dir = specsTree([{ spec: specOf({ "spec-root": ["phase-1", "phase-2"], "phase-1": ["task-1-1"], "phase-2": [] }) }]);
    const add = async (input: AddNodeInput): Promise<string> =>
      (await transact({ specsDir: join(dir, "specs"), spec: ID, cwd: dir, env: {}, command: "add-task" }, (ctx) => planAddNode(ctx, input)))
        .result.node_id;
    expect(await add({ parent: "phase-1", title: "Next", type: "task" })).toBe("task-1-2");
    expect(await add({ parent: "phase-2", title: "First of 2", type: "task" })).toBe("task-2-1");
    expect(await add({ parent: "task-1-2", title: "Part", type: "subtask" })).toBe("task-1-2-1");
    expect(await add({ parent: "task-1-2", title: "Part", type: "subtask" })).toBe("task-1-2-2");
    expect(await add({ parent: "phase-1", title: "Check", type: "verify" })).toBe("verify-1-1");
    expect(await add({ parent: "spec-root", title: "Later", type: "phase" })).toBe("phase-3");
    expect(await add({ parent: "phase-3", title: "Third", type: "task" })).toBe("task-3-1");

    const r = await runCli(["add-task", ID, "phase-2", "--title", "After", "--blocked-by", "task-1-2", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(oneJson(r.stdout)).toMatchObject({ node_id: "task-2-2", parent: "phase-2" });
    const spec = JSON.parse(readFileSync(join(dir, "specs", "active", `${ID}.json`), "utf8"));
    expect(spec.hierarchy["task-2-2"].dependencies.blocked_by).toEqual(["task-1-2"]);
    expect(spec.hierarchy["task-1-2"].dependencies.blocks).toEqual(["task-2-2"]);
    expect(spec.hierarchy["task-1-2"].children).toEqual(["task-1-2-1", "task-1-2-2"]);
    expect(spec.hierarchy["spec-root"]).toMatchObject({ total_tasks: 7, completed_tasks: 0 });

    const validate = await runCli(["validate", "--strict", ID], { cwd: dir });
    expect(validate.stdout).toContain("no problems found");
    expect(validate.code).toBe(0);
  });

  it("add-task refuses an existing id (exit 3) and a missing prerequisite (exit 2), writing nothing", async () => {
    const dir = specsTree([{ spec: makeSpec(ID) }]);
    const file = join(dir, "specs", "active", `${ID}.json`);
    const before = readFileSync(file);
    const [exists, missing] = await Promise.all([
      runCli(["add-task", ID, "phase-1", "--title", "Again", "--id", "task-1-1"], { cwd: dir }),
      runCli(["add-task", ID, "phase-1", "--title", "Waits", "--blocked-by", "task-9-9"], { cwd: dir }),
    ]);
    expect(exists.code).toBe(3);
    expect(missing.code).toBe(2);
    expect(readFileSync(file)).toEqual(before);
  });
});
