/**
 * argv -> core call, without spawning: each row runs the CLI in-process on a temp specs tree
 * with the store's transaction replaced by a recorder, then checks what the command asked
 * the core for (the transaction's options, and the patch its planner makes of a known spec).
 * The read-only reports and the log operations are wrapped, not replaced: each call is
 * recorded (which core function, with which options) and then runs for real.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Operation } from "fast-json-patch";
import { run } from "../../src/cli.js";
import type { CliIo } from "../../src/commands/_shared.js";
import type { Plan, PlanContext } from "../../src/core/spec/plan.js";
import type { TransactionOptions } from "../../src/core/store/transaction.js";
import { join } from "node:path";
import { makeSpec, specsTree, writeTree } from "../helpers.js";

interface Call {
  options: TransactionOptions;
  plan: Plan<unknown>;
}
const calls: Call[] = [];
const SPEC = "demo-2026-01-01-001";

/** Core use-case calls: the function's name and the options it was given. */
const useCases: { fn: string; options: Record<string, unknown> }[] = [];

/** The module with each of its functions recording its call before running. */
function recorded<M extends Record<string, unknown>>(real: M): M {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(real)) {
    out[name] =
      typeof v === "function"
        ? (options: Record<string, unknown>, ...rest: unknown[]) => {
            useCases.push({ fn: name, options });
            return (v as (...a: unknown[]) => unknown)(options, ...rest);
          }
        : v;
  }
  return out as M;
}

vi.mock("../../src/core/reports/progress.js", async (importOriginal) => recorded(await importOriginal<Record<string, unknown>>()));
vi.mock("../../src/core/reports/tasks.js", async (importOriginal) => recorded(await importOriginal<Record<string, unknown>>()));
vi.mock("../../src/core/reports/legacy.js", async (importOriginal) => recorded(await importOriginal<Record<string, unknown>>()));
vi.mock("../../src/core/reports/prepare.js", async (importOriginal) => recorded(await importOriginal<Record<string, unknown>>()));
vi.mock("../../src/core/worklog/ops/lint.js", async (importOriginal) => recorded(await importOriginal<Record<string, unknown>>()));
vi.mock("../../src/core/worklog/ops/render.js", async (importOriginal) => recorded(await importOriginal<Record<string, unknown>>()));
vi.mock("../../src/core/worklog/ops/import.js", async (importOriginal) => recorded(await importOriginal<Record<string, unknown>>()));
vi.mock("../../src/core/worklog/ops/add.js", async (importOriginal) => recorded(await importOriginal<Record<string, unknown>>()));
vi.mock("../../src/core/worklog/ops/edit.js", async (importOriginal) => recorded(await importOriginal<Record<string, unknown>>()));
vi.mock("../../src/core/validate/fix.js", async (importOriginal) => recorded(await importOriginal<Record<string, unknown>>()));

vi.mock("../../src/core/store/transaction.js", () => ({
  transact: (options: TransactionOptions, planner: (c: PlanContext) => Plan<unknown>) => {
    const doc = makeSpec(SPEC, (s) => {
      s.hierarchy["task-1-2"].status = "in_progress";
    });
    const plan = planner({ doc, ref: { id: SPEC, file: `/x/${SPEC}.json`, folder: "active" }, timestamp: "2026-02-02T00:00:00Z" });
    calls.push({ options, plan });
    return Promise.resolve({
      spec_id: SPEC,
      file: `/x/${SPEC}.json`,
      changed: true,
      dry_run: false,
      patch: plan.ops,
      rollup: [],
      result: plan.result,
    });
  },
}));

function io(cwd: string): CliIo & { out: string[] } {
  const out: string[] = [];
  return {
    cwd,
    env: { NO_COLOR: "1", CI: "true" },
    stdout: (s) => out.push(s),
    stderr: () => undefined,
    stdoutIsTTY: false,
    stdinIsTTY: false,
    out,
  };
}

const op = (ops: Operation[], path: string): unknown => {
  const found = ops.find((o) => o.path === path && (o.op === "replace" || o.op === "add"));
  return found !== undefined && "value" in found ? found.value : undefined;
};

interface Row {
  argv: string[];
  command: string;
  options?: Partial<TransactionOptions>;
  check: (plan: Plan<unknown>) => void;
}

const ROWS: Row[] = [
  {
    argv: ["update-status", SPEC, "task-1-1", "in_progress"],
    command: "update-status",
    check: (p) => expect(op(p.ops, "/hierarchy/task-1-1/status")).toBe("in_progress"),
  },
  {
    argv: ["--json", "update-status", SPEC, "task-1-2", "completed", "--from", "in_progress", "--dry-run", "--lock-timeout", "750ms"],
    command: "update-status",
    options: { dryRun: true, lockTimeoutMs: 750 },
    check: (p) => expect(op(p.ops, "/hierarchy/task-1-2/status")).toBe("completed"),
  },
  {
    argv: ["update-status", SPEC, "task-1-1", "blocked", "--note", "waiting on review"],
    command: "update-status",
    check: (p) => expect(op(p.ops, "/hierarchy/task-1-1/metadata/status_note")).toBe("waiting on review"),
  },
  {
    argv: ["complete-task", SPEC, "task-1-2", "--note", "shipped"],
    command: "complete-task",
    check: (p) => {
      expect(op(p.ops, "/hierarchy/task-1-2/status")).toBe("completed");
      expect(JSON.stringify(p.ops)).toContain("shipped");
    },
  },
  {
    argv: ["mark-blocked", SPEC, "task-1-1", "--reason", "needs an API key", "--type", "resource"],
    command: "mark-blocked",
    check: (p) => {
      expect(op(p.ops, "/hierarchy/task-1-1/status")).toBe("blocked");
      expect(JSON.stringify(p.ops)).toContain("needs an API key");
    },
  },
  {
    argv: ["add-journal", SPEC, "--title", "Decision", "--content", "use the queue", "--task-id", "task-1-1", "--entry-type", "decision"],
    command: "add-journal",
    check: (p) => {
      const entry = op(p.ops, "/journal/-") as Record<string, unknown>;
      expect(entry).toMatchObject({ title: "Decision", content: "use the queue", task_id: "task-1-1", entry_type: "decision" });
    },
  },
  {
    argv: ["complete-spec", SPEC, "--force", "--path", "."],
    command: "complete-spec",
    check: (p) => expect(p.moveTo).toBe("completed"),
  },
  {
    argv: ["sync-metadata", SPEC],
    command: "sync-metadata",
    check: (p) => {
      expect(op(p.ops, "/metadata/progress_percentage")).toBe(0);
      expect(op(p.ops, "/metadata/current_phase")).toBe("phase-1");
    },
  },
  {
    argv: ["move-spec", SPEC, "archived"],
    command: "move-spec",
    check: (p) => expect(p.moveTo).toBe("archived"),
  },
];

describe("argv -> the core call it makes", () => {
  beforeEach(() => {
    calls.length = 0;
  });

  for (const row of ROWS) {
    it(`sdd ${row.argv.join(" ")}`, async () => {
      const dir = specsTree([{ spec: makeSpec(SPEC) }]);
      const code = await run(row.argv, io(dir));
      expect(code).toBe(0);
      expect(calls).toHaveLength(1);
      const call = calls[0] as Call;
      expect(call.options).toMatchObject({ spec: SPEC, command: row.command, ...row.options });
      row.check(call.plan);
    });
  }

  it("a usage error never reaches the core", async () => {
    const dir = specsTree([{ spec: makeSpec(SPEC) }]);
    expect(await run(["update-status", SPEC, "task-1-1", "finished"], io(dir))).toBe(2);
    expect(calls).toHaveLength(0);
  });
});

interface ReadRow {
  argv: string[];
  fn: string;
  options: Record<string, unknown>;
  /** The exit code the run ends with (the demo spec has pending work). */
  code?: number;
}

const LOG = "log.md";
const READ_ROWS: ReadRow[] = [
  { argv: ["progress", SPEC], fn: "progressReport", options: { spec: SPEC } },
  { argv: ["status-report", SPEC, "--json"], fn: "statusReport", options: { spec: SPEC } },
  { argv: ["check-complete", SPEC, "--phase", "phase-1"], fn: "checkComplete", options: { spec: SPEC, node: "phase-1" }, code: 1 },
  { argv: ["check-complete", SPEC], fn: "checkComplete", options: { spec: SPEC }, code: 1 },
  { argv: ["list-specs", "--status", "active", "--detailed"], fn: "listSpecs", options: { folder: "active", detailed: true } },
  { argv: ["list-specs"], fn: "listSpecs", options: { folder: "all", detailed: false } },
  { argv: ["find-specs"], fn: "specsDirReport", options: {} },
  { argv: ["task-info", SPEC, "task-1-2"], fn: "taskInfo", options: { spec: SPEC, task: "task-1-2" } },
  { argv: ["next-task", SPEC], fn: "nextTaskReport", options: { spec: SPEC } },
  { argv: ["check-deps", SPEC, "task-1-1"], fn: "checkDeps", options: { spec: SPEC, task: "task-1-1" } },
  { argv: ["check-deps", SPEC], fn: "checkDeps", options: { spec: SPEC } },
  { argv: ["history", SPEC, "--limit", "3"], fn: "historyReport", options: { spec: SPEC, limit: 3 } },
  {
    argv: ["get-task", SPEC, "task-1-1", "--include-journal"],
    fn: "getTask",
    options: { spec: SPEC, task: "task-1-1", includeJournal: true },
  },
  { argv: ["list-blockers", SPEC], fn: "listBlockers", options: { spec: SPEC } },
  {
    argv: ["query-tasks", SPEC, "--status", "pending", "--type", "task", "--limit", "0"],
    fn: "queryTasks",
    options: { spec: SPEC, status: "pending", type: "task", limit: 0 },
  },
  { argv: ["query-tasks", SPEC], fn: "queryTasks", options: { spec: SPEC, limit: 20 } },
  { argv: ["spec-stats", SPEC], fn: "specStats", options: { spec: SPEC } },
  { argv: ["prepare-task", SPEC, "task-1-2"], fn: "prepareTask", options: { spec: SPEC, task: "task-1-2" } },
  { argv: ["prepare-task", SPEC], fn: "prepareTask", options: { spec: SPEC } },
  {
    argv: ["fix", SPEC, "--preview", "--select", "rollup-mismatch"],
    fn: "fixSpecs",
    options: { specs: [SPEC], dryRun: true, select: ["rollup-mismatch"] },
  },
  { argv: ["validate", "--fix", "--dry-run", "--strict", SPEC], fn: "fixSpecs", options: { specs: [SPEC], dryRun: true, strict: true } },
  { argv: ["log", "lint", LOG], fn: "lintLogs", options: { files: [LOG] }, code: 1 },
  { argv: ["log", "lint"], fn: "lintLogs", options: { files: [] } },
  {
    argv: ["log", "import", LOG, "--dry-run", "--keep-sections"],
    fn: "importLogs",
    options: { files: [LOG], dryRun: true, keepSections: true },
  },
  { argv: ["log", "render", "--check"], fn: "renderLogFile", options: { check: true }, code: 1 },
  { argv: ["log", "render", "--output", "out.md"], fn: "renderLogFile", options: { check: false, output: "out.md" } },
  {
    argv: [
      "log",
      "add",
      "--title",
      "T",
      "--owner",
      "me",
      "--spec",
      "docs/x.md",
      "--summary",
      "S",
      "--tag",
      "[bug]",
      "--field",
      "Extra: one",
      "--done",
    ],
    fn: "addWorkItem",
    options: {
      title: "T",
      owner: "me",
      spec: "docs/x.md",
      summary: "S",
      tags: ["[bug]"],
      extra: [{ key: "Extra", value: "one" }],
      done: true,
    },
  },
  { argv: ["log", "list", "--json"], fn: "listItems", options: {} },
];

describe("argv -> the core use case it calls", () => {
  beforeEach(() => {
    useCases.length = 0;
  });

  for (const row of READ_ROWS) {
    it(`sdd ${row.argv.join(" ")}`, async () => {
      const dir = specsTree([{ spec: makeSpec(SPEC) }]);
      writeTree(dir, { [LOG]: "# Log\n\n- [ ] **[BUG]** Something\n  - Owner: me\n" });
      const code = await run(row.argv, io(dir));
      expect(code).toBe(row.code ?? 0);
      expect(useCases.map((c) => c.fn)).toEqual([row.fn]);
      const options = (useCases[0] as { options: Record<string, unknown> }).options;
      expect(options).toMatchObject(row.options);
      // Every use case is told where the specs are (or is handed them), never finds them itself.
      const loc = (options.loc ?? options) as { specsDir?: string };
      expect(loc.specsDir).toBe(join(dir, "specs"));
    });
  }

  it("an option the command refuses never reaches the core", async () => {
    const dir = specsTree([{ spec: makeSpec(SPEC) }]);
    expect(await run(["query-tasks", SPEC, "--limit", "-1"], io(dir))).toBe(2);
    expect(await run(["history", SPEC, "--limit", "0"], io(dir))).toBe(2);
    expect(await run(["check-complete", SPEC, "--phase", "phase-1", "--task", "task-1-1"], io(dir))).toBe(2);
    expect(
      await run(["log", "add", "--title", "T", "--owner", "me", "--spec", "x.md", "--summary", "S", "--field", "nocolon"], io(dir)),
    ).toBe(2);
    expect(useCases).toEqual([]);
  });
});
