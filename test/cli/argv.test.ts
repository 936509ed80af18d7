/**
 * argv -> core call, without spawning: each row runs the CLI in-process on a temp specs tree
 * with the store's transaction replaced by a recorder, then checks what the command asked
 * the core for (the transaction's options, and the patch its planner makes of a known spec).
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Operation } from "fast-json-patch";
import { run } from "../../src/cli.js";
import type { CliIo } from "../../src/commands/_shared.js";
import type { Plan, PlanContext } from "../../src/core/spec/plan.js";
import type { TransactionOptions } from "../../src/core/store/transaction.js";
import { makeSpec, specsTree } from "../helpers.js";

interface Call {
  options: TransactionOptions;
  plan: Plan<unknown>;
}
const calls: Call[] = [];
const SPEC = "demo-2026-01-01-001";

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
