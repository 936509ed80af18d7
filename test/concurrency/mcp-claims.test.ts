/**
 * Many agents on one repository: two `sdd mcp` servers and a CLI process race to claim the
 * tasks of one spec. Every task is claimed exactly once, as with the CLI alone.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeSpec, oneJson, runCli, specsTree } from "../helpers.js";
import { serve } from "../mcp/helpers.js";

const ID = "race-2026-01-01-001";
const TASKS = Array.from({ length: 10 }, (_, i) => `task-1-${i + 1}`);

function tenTasks(): Record<string, any> {
  return makeSpec(ID, (s) => {
    const phase = s.hierarchy["phase-1"];
    for (const id of ["task-1-1", "task-1-2", "verify-1-1"]) delete s.hierarchy[id];
    phase.children = TASKS;
    phase.total_tasks = TASKS.length;
    s.hierarchy["spec-root"].total_tasks = TASKS.length;
    for (const id of TASKS)
      s.hierarchy[id] = {
        type: "task",
        title: id,
        status: "pending",
        parent: "phase-1",
        children: [],
        total_tasks: 1,
        completed_tasks: 0,
        metadata: {},
      };
  });
}

/** One claim attempt's outcome: the task claimed, a lost race (try again), or nothing left. */
type Attempt = { claimed: string } | { lost: true } | { done: true };

/** Claim until nothing is pending: the next task, then a compare-and-swap from pending. */
async function racer(attempt: () => Promise<Attempt>): Promise<string[]> {
  const mine: string[] = [];
  for (let i = 0; i < 200; i++) {
    const a = await attempt();
    if ("done" in a) return mine;
    if ("claimed" in a) mine.push(a.claimed);
  }
  throw new Error("a racer made 200 attempts without the spec running out of tasks");
}

describe("claiming through two MCP servers and the CLI at once", () => {
  it("claim: each of 10 ready tasks goes to exactly one claimant", async () => {
    const dir = specsTree([{ spec: tenTasks() }]);
    const servers = await Promise.all([serve(dir, ["--agent", "server-1"]), serve(dir, ["--agent", "server-2"])]);
    const outcome = (exit: number, doc: Record<string, any>, label: string): Attempt => {
      if (exit === 0) return { claimed: `${String(doc.agent)} ${String(doc.task_id)}` };
      if (exit === 1) return { done: true };
      expect(exit, label).toBe(3);
      return { lost: true };
    };
    const viaServer = (s: (typeof servers)[number]) => async (): Promise<Attempt> => {
      const r = await s.call("claim");
      return outcome(r.doc.exit_code as number, r.doc, r.text);
    };
    const viaCli = async (): Promise<Attempt> => {
      const r = await runCli(["claim", "--agent", "cli", "--json"], { cwd: dir });
      return outcome(r.code ?? -1, oneJson(r.stdout), r.stdout + r.stderr);
    };
    const claims = (await Promise.all([racer(viaServer(servers[0])), racer(viaServer(servers[1])), racer(viaCli)])).flat();
    const tasks = claims.map((c) => c.split(" ")[1]);
    expect(tasks.length).toBe(10);
    expect([...new Set(tasks)].sort()).toEqual([...TASKS].sort());
    // The spec agrees: every task in progress, held by the agent that was told it won.
    const spec = JSON.parse(readFileSync(join(dir, "specs", "active", `${ID}.json`), "utf8"));
    for (const c of claims) {
      const [agent, task] = c.split(" ") as [string, string];
      expect(spec.hierarchy[task]).toMatchObject({ status: "in_progress", metadata: { claimed_by: agent } });
    }
    expect(oneJson((await runCli(["validate", ID, "--json"], { cwd: dir })).stdout).ok).toBe(true);
  });

  it("update_status with from: each of 10 pending tasks goes to exactly one claimant", async () => {
    const dir = specsTree([{ spec: tenTasks() }]);
    const servers = await Promise.all([serve(dir), serve(dir)]);
    const viaServer = (s: (typeof servers)[number]) => async (): Promise<Attempt> => {
      const next = await s.call("next_task", { spec: ID });
      if (next.doc.task_id === null) return { done: true };
      const r = await s.call("update_status", { spec: ID, task: next.doc.task_id, status: "in_progress", from: "pending" });
      if (!r.isError) return { claimed: r.doc.task_id as string };
      expect(r.doc.exit_code, r.text).toBe(3);
      return { lost: true };
    };
    const viaCli = async (): Promise<Attempt> => {
      const next = oneJson((await runCli(["next-task", ID, "--json"], { cwd: dir })).stdout);
      if (next.task_id === null) return { done: true };
      const r = await runCli(["update-status", ID, next.task_id, "in_progress", "--from", "pending", "--json"], { cwd: dir });
      const doc = oneJson(r.stdout);
      if (r.code === 0) return { claimed: doc.task_id as string };
      expect(r.code, r.stdout).toBe(3);
      return { lost: true };
    };
    const claims = await Promise.all([racer(viaServer(servers[0])), racer(viaServer(servers[1])), racer(viaCli)]);
    const all = claims.flat();
    expect(all.length).toBe(10);
    expect([...new Set(all)].sort()).toEqual([...TASKS].sort());
    const spec = JSON.parse(readFileSync(join(dir, "specs", "active", `${ID}.json`), "utf8"));
    for (const t of TASKS) expect(spec.hierarchy[t].status, t).toBe("in_progress");
    expect(oneJson((await runCli(["validate", ID, "--json"], { cwd: dir })).stdout).ok).toBe(true);
  });
});
