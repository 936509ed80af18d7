/**
 * Spec lifecycle: one definition of "complete" (every task, subtask and verify
 * node completed) shared by check-complete, complete-spec, progress and list-specs, and the
 * folder moves (complete-spec, activate-spec, move-spec) that keep metadata.status in step
 * with the folder under the spec's lock.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli.js";
import { withSpecLock } from "../../src/core/store/lock.js";
import { applyRollup } from "../../src/core/spec/rollup.js";
import { CORPUS_SPECS, makeSpec, oneJson, runCli, specsTree, tempTree, writeTree, type RunResult } from "../helpers.js";

const ID = "life-2026-01-01-001";
const NOW = "2026-02-01T12:00:00.000Z";
const ENV = { SDD_NOW: NOW };
const FOLDERS = ["pending", "active", "completed", "archived"] as const;

function journalEntry(taskId: string): Record<string, unknown> {
  return {
    timestamp: "2026-01-10T00:00:00Z",
    entry_type: "status_change",
    title: `Completed ${taskId}`,
    author: "test",
    content: "done",
    metadata: {},
    task_id: taskId,
  };
}

/** Complete the given leaves (journaling each unless told not to) and roll the counts up. */
function finish(spec: Record<string, any>, ids: string[], journal = true): Record<string, any> {
  for (const id of ids) {
    spec.hierarchy[id].status = "completed";
    spec.hierarchy[id].metadata.completed_at = "2026-01-09T00:00:00Z";
    if (journal) spec.journal.push(journalEntry(id));
  }
  applyRollup(spec, { timestamp: "2026-01-09T00:00:00Z", journaledTypes: new Set(["task", "verify"]) });
  // Containers completed by the roll-up get journaled too, as complete-task does.
  for (const node of Object.values<any>(spec.hierarchy)) {
    if (journal && node.type === "task" && node.metadata.needs_journaling === true) {
      delete node.metadata.needs_journaling;
      const id = Object.keys(spec.hierarchy).find((k) => spec.hierarchy[k] === node) ?? "";
      spec.journal.push(journalEntry(id));
    }
  }
  return spec;
}

const LEAVES = ["task-1-1", "task-1-2", "verify-1-1"];

/** Add a task with subtasks under a new phase-2. */
function withSubtasks(spec: Record<string, any>): Record<string, any> {
  const h = spec.hierarchy;
  h["spec-root"].children.push("phase-2");
  h["phase-2"] = {
    type: "phase",
    title: "Polish",
    status: "pending",
    parent: "spec-root",
    children: ["task-2-1"],
    total_tasks: 2,
    completed_tasks: 0,
    metadata: {},
  };
  h["task-2-1"] = {
    type: "task",
    title: "Split",
    status: "pending",
    parent: "phase-2",
    children: ["task-2-1-1", "task-2-1-2"],
    total_tasks: 2,
    completed_tasks: 0,
    metadata: {},
  };
  for (const k of ["task-2-1-1", "task-2-1-2"])
    h[k] = {
      type: "subtask",
      title: k,
      status: "pending",
      parent: "task-2-1",
      children: [],
      total_tasks: 1,
      completed_tasks: 0,
      metadata: {},
    };
  applyRollup(spec, { timestamp: NOW, journaledTypes: new Set(["task", "verify"]) });
  return spec;
}

/** A specs tree with every lifecycle folder present, as `sdd init` makes it. */
function tree(specs: { folder?: string; spec: Record<string, any> }[]): string {
  const dir = specsTree(specs);
  writeTree(dir, Object.fromEntries(FOLDERS.map((f) => [`specs/${f}/.gitkeep`, ""])));
  return dir;
}

const specFile = (dir: string, folder: string, id = ID): string => join(dir, "specs", folder, `${id}.json`);
const readSpec = (dir: string, folder: string, id = ID): Record<string, any> => JSON.parse(readFileSync(specFile(dir, folder, id), "utf8"));
const foldersHolding = (dir: string, id = ID): string[] => FOLDERS.filter((f) => existsSync(specFile(dir, f, id)));

describe("check-complete", () => {
  it("exits 1 on an incomplete spec and reports every field scripts read", async () => {
    const dir = tree([{ spec: finish(makeSpec(ID), ["task-1-1"]) }]);
    const [json, text] = await Promise.all([
      runCli(["check-complete", ID, "--json"], { cwd: dir }),
      runCli(["check-complete", ID], { cwd: dir }),
    ]);
    expect(json.code).toBe(1);
    expect(oneJson(json.stdout)).toMatchObject({
      command: "check-complete",
      ok: false,
      exit_code: 1,
      spec_id: ID,
      node_id: "spec-root",
      complete: false,
      is_complete: false,
      total_tasks: 3,
      completed_tasks: 1,
      remaining_tasks: 2,
      percentage: 33,
      incomplete_tasks: [
        { id: "task-1-2", title: "Second", type: "task", status: "pending" },
        { id: "verify-1-1", title: "Check", type: "verify", status: "pending" },
      ],
    });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${ID}: not complete, 2 open:`);
    expect(text.stdout).toContain("verify-1-1 [pending] Check");
  });

  it("exits 0 on a spec whose every task and verify node is completed", async () => {
    const dir = tree([{ spec: finish(makeSpec(ID), LEAVES) }]);
    const r = await runCli(["check-complete", ID, "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(oneJson(r.stdout)).toMatchObject({
      ok: true,
      complete: true,
      is_complete: true,
      percentage: 100,
      remaining_tasks: 0,
      incomplete_tasks: [],
    });
  });

  it("--phase and --task narrow the check to the work below that node", async () => {
    const dir = tree([{ spec: finish(withSubtasks(makeSpec(ID)), [...LEAVES, "task-2-1-1"]) }]);
    const [phase1, phase2, task, subtaskDone] = await Promise.all([
      runCli(["check-complete", ID, "--phase", "phase-1", "--json"], { cwd: dir }),
      runCli(["check-complete", ID, "--phase", "phase-2", "--json"], { cwd: dir }),
      runCli(["check-complete", ID, "--task", "task-2-1", "--json"], { cwd: dir }),
      runCli(["check-complete", ID, "--task", "task-2-1-1"], { cwd: dir }),
    ]);
    expect([phase1.code, phase2.code, task.code, subtaskDone.code]).toEqual([0, 1, 1, 0]);
    expect(oneJson(phase1.stdout)).toMatchObject({ node_id: "phase-1", complete: true, total_tasks: 3, completed_tasks: 3 });
    expect(oneJson(phase2.stdout)).toMatchObject({
      node_id: "phase-2",
      complete: false,
      total_tasks: 2,
      completed_tasks: 1,
      percentage: 50,
    });
    // A task with subtasks is judged by its subtasks: the open list and the count agree.
    const taskReport = oneJson(task.stdout);
    expect(taskReport).toMatchObject({ remaining_tasks: 1, incomplete_count: 1, incomplete_tasks: [{ id: "task-2-1-2" }] });
    expect(taskReport.incomplete_tasks).toHaveLength(1);
    expect(subtaskDone.stdout).toContain(`${ID} task-2-1-1: complete (1/1)`);
  });

  it("an unknown node is exit 2, and --phase with --task is a usage error", async () => {
    const dir = tree([{ spec: makeSpec(ID) }]);
    const [missing, both] = await Promise.all([
      runCli(["check-complete", ID, "--phase", "phase-9"], { cwd: dir }),
      runCli(["check-complete", ID, "--phase", "phase-1", "--task", "task-1-1"], { cwd: dir }),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('task "phase-9" not found');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give --phase or --task, not both");
  });
});

describe("complete-spec", () => {
  it("refuses an incomplete spec (exit 1): the file stays where it was, byte for byte", async () => {
    const dir = tree([{ spec: finish(makeSpec(ID), ["task-1-1"]) }]);
    const before = readFileSync(specFile(dir, "active"));
    const r = await runCli(["complete-spec", ID], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`spec "${ID}" is not complete: 2 task(s) open (task-1-2, verify-1-1)`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(foldersHolding(dir)).toEqual(["active"]);
    expect(readFileSync(specFile(dir, "active"))).toEqual(before);
  });

  it("refuses a complete spec whose tasks were never journaled (exit 1)", async () => {
    const dir = tree([{ spec: finish(makeSpec(ID), LEAVES, false) }]);
    const before = readFileSync(specFile(dir, "active"));
    const r = await runCli(["complete-spec", ID, "--json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(oneJson(r.stdout).error).toMatchObject({ code: "spec-unjournaled", fix: `sdd check-journaling ${ID}   # or --force` });
    expect(readFileSync(specFile(dir, "active"))).toEqual(before);
  });

  it("--force completes an incomplete spec anyway", async () => {
    const dir = tree([{ spec: makeSpec(ID) }]);
    const r = await runCli(["complete-spec", ID, "--force"], { cwd: dir, env: ENV });
    expect(r.code).toBe(0);
    expect(foldersHolding(dir)).toEqual(["completed"]);
    expect(readSpec(dir, "completed").metadata).toMatchObject({ status: "completed", completed_date: NOW });
  });

  it("moves a complete, journaled spec to completed/ with metadata.status and completed_date, leaving no copy", async () => {
    const dir = tree([{ spec: finish(makeSpec(ID), LEAVES) }]);
    const r = await runCli(["complete-spec", ID, "--json"], { cwd: dir, env: ENV });
    expect(r.code).toBe(0);
    expect(oneJson(r.stdout)).toMatchObject({
      ok: true,
      changed: true,
      from: "active",
      to: "completed",
      moved_from: specFile(dir, "active"),
    });
    expect(foldersHolding(dir)).toEqual(["completed"]);
    const spec = readSpec(dir, "completed");
    expect(spec.metadata).toEqual({ title: "Demo", status: "completed", completed_date: NOW });
    expect(spec.last_updated).toBe(NOW);
    expect(existsSync(join(dir, "specs", ".locks", `${ID}.lock`))).toBe(false);
    const history = readFileSync(join(dir, "specs", ".history", `${ID}.jsonl`), "utf8");
    expect(JSON.parse(history)).toMatchObject({ seq: 1, command: "complete-spec", moved_to: "completed", moved_from: "active" });
  });

  it("waits for the spec's lock and gives up with exit 3, moving nothing", async () => {
    const dir = tree([{ spec: finish(makeSpec(ID), LEAVES) }]);
    const r = await withSpecLock(join(dir, "specs"), ID, 1000, () =>
      runCli(["complete-spec", ID, "--lock-timeout", "300ms"], { cwd: dir }),
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("is locked by another sdd process");
    expect(foldersHolding(dir)).toEqual(["active"]);
  });
});

describe("activate-spec", () => {
  it("moves a pending spec to active/ and sets metadata.status and activated_date", async () => {
    const dir = tree([{ folder: "pending", spec: makeSpec(ID, (s) => (s.metadata.status = "pending")) }]);
    const r = await runCli(["activate-spec", ID], { cwd: dir, env: ENV });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${ID}: pending/ -> active/`);
    expect(foldersHolding(dir)).toEqual(["active"]);
    expect(readSpec(dir, "active").metadata).toEqual({ title: "Demo", status: "active", activated_date: NOW });
  });

  it("leaves an already active spec alone (exit 0, no byte changed)", async () => {
    const dir = tree([{ spec: makeSpec(ID) }]);
    const before = readFileSync(specFile(dir, "active"));
    const r = await runCli(["activate-spec", ID, "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(oneJson(r.stdout)).toMatchObject({ ok: true, changed: false, already_active: true, patch: [] });
    expect(readFileSync(specFile(dir, "active"))).toEqual(before);
    expect(existsSync(join(dir, "specs", ".history", `${ID}.jsonl`))).toBe(false);
  });

  it("refuses a completed spec with exit 3 and points at move-spec", async () => {
    const dir = tree([
      {
        folder: "completed",
        spec: finish(
          makeSpec(ID, (s) => (s.metadata.status = "completed")),
          LEAVES,
        ),
      },
    ]);
    const before = readFileSync(specFile(dir, "completed"));
    const r = await runCli(["activate-spec", ID], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("is in completed/, not pending/");
    expect(r.stderr).toContain(`fix: sdd move-spec ${ID} active`);
    expect(readFileSync(specFile(dir, "completed"))).toEqual(before);
  });
});

describe("move-spec", () => {
  it("keeps metadata.status in step with the folder it moves to", async () => {
    const dir = tree([{ spec: makeSpec(ID) }]);
    const archived = await runCli(["move-spec", ID, "archived"], { cwd: dir });
    expect(archived.code).toBe(0);
    expect(foldersHolding(dir)).toEqual(["archived"]);
    expect(readSpec(dir, "archived").metadata.status).toBe("archived");
    const pending = await runCli(["move-spec", ID, "pending"], { cwd: dir });
    expect(pending.code).toBe(0);
    expect(foldersHolding(dir)).toEqual(["pending"]);
    expect(readSpec(dir, "pending").metadata.status).toBe("pending");
  });

  it("refuses completed/ for an incomplete spec (exit 1) unless --force", async () => {
    const dir = tree([{ spec: makeSpec(ID) }]);
    const before = readFileSync(specFile(dir, "active"));
    const refused = await runCli(["move-spec", ID, "completed"], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("is not complete");
    expect(readFileSync(specFile(dir, "active"))).toEqual(before);
    const forced = await runCli(["move-spec", ID, "completed", "--force"], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(foldersHolding(dir)).toEqual(["completed"]);
    expect(readSpec(dir, "completed").metadata.status).toBe("completed");
  });

  it("an unknown folder is a usage error (exit 2)", async () => {
    const dir = tree([{ spec: makeSpec(ID) }]);
    const r = await runCli(["move-spec", ID, "done"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(foldersHolding(dir)).toEqual(["active"]);
  });
});

/**
 * The commands run in this process through the CLI's own entry (`run`: argv parsing, the
 * command, the exit-code mapping), so a table of specs costs no process per command.
 */
async function sdd(args: string[], cwd: string): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    cwd,
    env: { NO_COLOR: "1", CI: "true" },
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdoutIsTTY: false,
    stdinIsTTY: false,
  });
  return { code, stdout, stderr };
}

interface Verdicts {
  progress: boolean;
  listSpecs: boolean;
  checkComplete: boolean;
  /** complete-spec --dry-run was not refused for incompleteness. */
  completeSpec: boolean;
}

/** Ask every command whether each spec of the tree is complete; assert they agree; return the answers. */
async function verdictsOf(dir: string): Promise<Record<string, boolean>> {
  const list = await runCli(["list-specs", "--json"], { cwd: dir });
  expect(list.code).toBe(0);
  const rows: { spec_id: string; complete: boolean; progress_percentage: number; total_tasks: number; completed_tasks: number }[] = oneJson(
    list.stdout,
  ).specs;
  const got: Record<string, Verdicts> = {};
  const numbers: Record<string, [unknown, unknown][]> = {};
  for (const row of rows) {
    const progress = await sdd(["progress", row.spec_id, "--json"], dir);
    const check = await sdd(["check-complete", row.spec_id, "--json"], dir);
    const close = await sdd(["complete-spec", row.spec_id, "--dry-run", "--json"], dir);
    expect(progress.code).toBe(0);
    const p = oneJson(progress.stdout);
    const c = oneJson(check.stdout);
    const closed = oneJson(close.stdout);
    // Not refused for incompleteness: it would pass, or is refused only for missing journal entries.
    expect(closed.ok || closed.error?.code === "spec-incomplete" || closed.error?.code === "spec-unjournaled").toBe(true);
    got[row.spec_id] = {
      progress: p.complete,
      listSpecs: row.complete,
      checkComplete: check.code === 0 && c.complete === true,
      completeSpec: closed.error?.code !== "spec-incomplete",
    };
    expect(check.code).toBe(c.complete === true ? 0 : 1);
    numbers[row.spec_id] = [
      [row.progress_percentage, p.percentage],
      [row.total_tasks, p.total_tasks],
      [row.completed_tasks, p.completed_tasks],
      [c.percentage, p.percentage],
      [c.total_tasks, p.total_tasks],
    ];
  }
  const agreed = (v: Verdicts): Verdicts => ({
    progress: v.progress,
    listSpecs: v.progress,
    checkComplete: v.progress,
    completeSpec: v.progress,
  });
  expect(got).toEqual(Object.fromEntries(Object.entries(got).map(([id, v]) => [id, agreed(v)])));
  for (const pairs of Object.values(numbers)) for (const [a, b] of pairs) expect(a).toBe(b);
  return Object.fromEntries(Object.entries(got).map(([id, v]) => [id, v.progress]));
}

describe("one definition of complete", () => {
  it("progress, list-specs, check-complete and complete-spec agree on every spec built here", async () => {
    const id = (name: string): string => `${name}-2026-01-01-001`;
    const emptyPhase = finish(makeSpec(id("empty-phase")), LEAVES);
    emptyPhase.hierarchy["spec-root"].children.push("phase-2");
    emptyPhase.hierarchy["phase-2"] = {
      type: "phase",
      title: "Later",
      status: "pending",
      parent: "spec-root",
      children: [],
      total_tasks: 0,
      completed_tasks: 0,
      metadata: {},
    };
    const noTasks = makeSpec(id("no-tasks"), (s) => {
      s.hierarchy = { "spec-root": { ...s.hierarchy["spec-root"], children: [], total_tasks: 0 } };
    });
    const emptyPhaseOnly = makeSpec(id("empty-phase-only"), (s) => {
      s.hierarchy["phase-1"].children = [];
      s.hierarchy = { "spec-root": s.hierarchy["spec-root"], "phase-1": s.hierarchy["phase-1"] };
      applyRollup(s, { timestamp: NOW, journaledTypes: new Set(["task", "verify"]) });
    });
    // The file's own counts and the task's status claim done; a subtask below is still open.
    const staleCounts = finish(withSubtasks(makeSpec(id("stale-counts"))), [...LEAVES, "task-2-1-1"]);
    for (const k of ["spec-root", "phase-2", "task-2-1"]) {
      staleCounts.hierarchy[k].status = "completed";
      staleCounts.hierarchy[k].completed_tasks = staleCounts.hierarchy[k].total_tasks;
    }
    const verifyOpen = finish(makeSpec(id("verify-open")), ["task-1-1", "task-1-2"]);
    const blocked = finish(makeSpec(id("blocked")), ["task-1-1", "verify-1-1"]);
    blocked.hierarchy["task-1-2"].status = "blocked";

    const dir = tree([
      { folder: "pending", spec: makeSpec(id("fresh")) },
      { spec: finish(makeSpec(id("partial")), ["task-1-1"]) },
      { spec: finish(makeSpec(id("done")), LEAVES) },
      { spec: finish(makeSpec(id("done-unjournaled")), LEAVES, false) },
      { spec: emptyPhase },
      { spec: noTasks },
      { spec: emptyPhaseOnly },
      { spec: finish(withSubtasks(makeSpec(id("subtasks-open"))), [...LEAVES, "task-2-1-1"]) },
      { folder: "completed", spec: finish(withSubtasks(makeSpec(id("subtasks-done"))), [...LEAVES, "task-2-1-1", "task-2-1-2"]) },
      { spec: staleCounts },
      { spec: verifyOpen },
      { spec: blocked },
    ]);
    expect(await verdictsOf(dir)).toEqual({
      [id("fresh")]: false,
      [id("partial")]: false,
      [id("done")]: true,
      [id("done-unjournaled")]: true,
      [id("empty-phase")]: true,
      // No work at all is never complete (0%, complete-spec refuses).
      [id("no-tasks")]: false,
      [id("empty-phase-only")]: false,
      [id("subtasks-open")]: false,
      [id("subtasks-done")]: true,
      [id("stale-counts")]: false,
      [id("verify-open")]: false,
      [id("blocked")]: false,
    });
  });

  it.skipIf(!existsSync(CORPUS_SPECS))("progress, list-specs, check-complete and complete-spec agree on every corpus spec", async () => {
    const dir = tempTree();
    let copied = 0;
    for (const folder of FOLDERS) {
      const from = join(CORPUS_SPECS, folder);
      if (!existsSync(from)) continue;
      writeTree(dir, { [`specs/${folder}/.gitkeep`]: "" });
      for (const name of readdirSync(from).filter((n) => n.endsWith(".json"))) {
        copyFileSync(join(from, name), join(dir, "specs", folder, name));
        copied++;
      }
    }
    const verdicts = await verdictsOf(dir);
    expect(Object.keys(verdicts)).toHaveLength(copied);
    // pending welcome-pricing (0/8), active billing-integrity (7/8), and chat-runtime, whose
    // phases hold no tasks: a spec with no work is not complete.
    expect(Object.values(verdicts).filter((complete) => !complete)).toHaveLength(3);
    expect(verdicts["chat-runtime-state-recovery-2026-08-06-001"]).toBe(false);
  });
});
