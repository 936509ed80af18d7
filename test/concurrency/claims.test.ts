/**
 * Claims with real processes and real git: many agents racing over the worktrees of one
 * repository, and over two clones of one bare repository (a local remote). Every claim
 * that reports success must be the only one on its task.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { oneJson, runCli, tempTree, type NodeInit, type RunResult, pendingNode } from "../helpers.js";

const ID = "team-2026-01-01-001";
const SPEC = `specs/active/${ID}.json`;

/** spec-root → phase-1 → task-1-1..n, all pending, none blocked. */
function teamSpec(n: number): Record<string, any> {
  const h: Record<string, NodeInit> = {
    "spec-root": pendingNode({ type: "spec", title: "Team", parent: null, children: ["phase-1"], total_tasks: n }),
    "phase-1": pendingNode({ type: "phase", title: "Work", parent: "spec-root", total_tasks: n }),
  };
  for (let t = 1; t <= n; t++) {
    h["phase-1"]!.children!.push(`task-1-${t}`);
    h[`task-1-${t}`] = pendingNode({ type: "task", title: `Task ${t}`, parent: "phase-1" });
  }
  return {
    spec_id: ID,
    title: "Team",
    generated: "2026-01-01T00:00:00Z",
    last_updated: "2026-01-01T00:00:00Z",
    metadata: { title: "Team", status: "active" },
    hierarchy: h,
    journal: [],
  };
}

/** git isolated from the user's and the system's configuration. */
function gitEnv(home: string): Record<string, string> {
  return { HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0" };
}

function git(cwd: string, env: Record<string, string>, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, env: { ...process.env, ...env }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** A repository with the spec committed on main. */
function repoWithSpec(root: string, env: Record<string, string>, spec: Record<string, any>): string {
  const dir = join(root, "main");
  mkdirSync(join(dir, "specs", "active"), { recursive: true });
  writeFileSync(join(dir, SPEC), JSON.stringify(spec, null, 2) + "\n");
  writeFileSync(join(dir, ".gitignore"), "specs/.*/\n");
  git(dir, env, "init", "-q", "-b", "main");
  git(dir, env, "config", "user.name", "Test");
  git(dir, env, "config", "user.email", "test@example.com");
  git(dir, env, "add", "-A");
  git(dir, env, "commit", "-q", "-m", "base");
  return dir;
}

function claimed(r: RunResult): { spec_id: string; task_id: string; agent: string } | undefined {
  const j = oneJson(r.stdout);
  return j.outcome === "claimed" ? { spec_id: j.spec_id, task_id: j.task_id, agent: j.agent } : undefined;
}

const LONG = ["--lock-timeout", "300s"];

describe("claims across the worktrees of one repository", () => {
  it("16 agents over 4 worktrees, 10 ready tasks: exactly 10 claims, each on a distinct task; the others exit 1 or 3", async () => {
    const root = tempTree();
    const env = gitEnv(root);
    const main = repoWithSpec(root, env, teamSpec(10));
    const trees = [main];
    for (let w = 2; w <= 4; w++) {
      const dir = join(root, `wt-${w}`);
      git(main, env, "worktree", "add", "-q", "-b", `agent-${w}`, dir);
      trees.push(dir);
    }
    // All 16 at once: the race is the point. 16 processes is the bound.
    const runs = await Promise.all(
      Array.from({ length: 16 }, (_, i) => {
        const cwd = trees[i % 4] as string;
        return runCli(["claim", "--agent", `agent-${i}`, "--json", ...LONG], { cwd, env });
      }),
    );
    for (const r of runs) expect([0, 1, 3], r.stderr).toContain(r.code);
    const wins = runs.filter((r) => r.code === 0).map((r) => claimed(r));
    expect(wins).toHaveLength(10);
    const tasks = wins.map((w) => w?.task_id);
    expect(new Set(tasks).size).toBe(10);
    // Each worktree's spec holds exactly the claims made in it, under their agents.
    let inSpecs = 0;
    for (const [w, dir] of trees.entries()) {
      const spec = JSON.parse(readFileSync(join(dir, SPEC), "utf8")) as Record<string, any>;
      for (const [id, n] of Object.entries(spec.hierarchy as Record<string, any>)) {
        if (n.metadata?.claimed_by === undefined) continue;
        inSpecs++;
        expect(n.status).toBe("in_progress");
        const mine = runs.findIndex((r, i) => i % 4 === w && r.code === 0 && claimed(r)?.task_id === id);
        expect(mine, `${id} claimed in worktree ${w}`).toBeGreaterThanOrEqual(0);
        expect(n.metadata.claimed_by).toBe(`agent-${mine}`);
      }
    }
    expect(inSpecs).toBe(10);
    // Nothing is ready anywhere any more: the ledger shows every worktree's claims.
    const after = await runCli(["ready", "--json"], { cwd: trees[3] as string, env });
    expect(after.code).toBe(1);
    expect(oneJson(after.stdout).count).toBe(0);
    const board = oneJson((await runCli(["status", "--json"], { cwd: trees[1] as string, env })).stdout);
    expect(board.totals.in_progress).toBe(10);
  }, 240_000);
});

describe("the same agent name in two worktrees", () => {
  it("is two holders: the task one worktree holds is held in the other, which gets another", async () => {
    const root = tempTree();
    const env = gitEnv(root);
    const main = repoWithSpec(root, env, teamSpec(2));
    const wt = join(root, "wt-2");
    git(main, env, "worktree", "add", "-q", "-b", "agent-2", wt);
    const first = await runCli(["claim", ID, "task-1-1", "--agent", "agent-7", "--json"], { cwd: main, env });
    expect(first.code, first.stdout).toBe(0);
    const same = await runCli(["claim", ID, "task-1-1", "--agent", "agent-7", "--json"], { cwd: wt, env });
    expect(same.code, same.stdout).toBe(3);
    expect(oneJson(same.stdout)).toMatchObject({ outcome: "held", held_by: "agent-7" });
    const other = await runCli(["claim", "--agent", "agent-7", "--json"], { cwd: wt, env });
    expect(other.code, other.stdout).toBe(0);
    expect(claimed(other)?.task_id).toBe("task-1-2");
    // Nothing is ready any more, in either worktree.
    expect((await runCli(["ready", "--json"], { cwd: main, env })).code).toBe(1);
  }, 120_000);
});

describe("claims across machines (--remote)", () => {
  /** A bare repository and two clones of it, each an agent's machine. */
  function twoMachines(n: number): { env: Record<string, string>; bare: string; a: string; b: string } {
    const root = tempTree();
    const env = gitEnv(root);
    const main = repoWithSpec(root, env, teamSpec(n));
    const bare = join(root, "remote.git");
    git(root, env, "clone", "-q", "--bare", main, bare);
    const a = join(root, "a");
    const b = join(root, "b");
    git(root, env, "clone", "-q", bare, a);
    git(root, env, "clone", "-q", bare, b);
    return { env, bare, a, b };
  }

  function remoteClaims(bare: string, env: Record<string, string>): Map<string, string> {
    const out = new Map<string, string>();
    for (const line of git(bare, env, "for-each-ref", "--format=%(refname) %(objectname)", "refs/sdd/claims").split("\n")) {
      if (line.trim() === "") continue;
      const [ref, sha] = line.split(" ") as [string, string];
      const body = JSON.parse(git(bare, env, "log", "-1", "--format=%B", sha).trim()) as { agent: string };
      out.set(ref.slice("refs/sdd/claims/".length), body.agent);
    }
    return out;
  }

  it("two clones, 8 agents each, 6 ready tasks: each task claimed once, on the remote and in one clone", async () => {
    const { env, bare, a, b } = twoMachines(6);
    const runs = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        runCli(["claim", "--agent", `agent-${i}`, "--remote", "origin", "--json", ...LONG], { cwd: i % 2 === 0 ? a : b, env }),
      ),
    );
    for (const r of runs) expect([0, 1, 3], r.stderr).toContain(r.code);
    const wins = runs.map((r, i) => ({ i, c: r.code === 0 ? claimed(r) : undefined })).filter((w) => w.c !== undefined);
    expect(wins).toHaveLength(6);
    expect(new Set(wins.map((w) => w.c?.task_id)).size).toBe(6);
    const refs = remoteClaims(bare, env);
    expect(refs.size).toBe(6);
    for (const w of wins) expect(refs.get(`${ID}/${w.c?.task_id}`)).toBe(`agent-${w.i}`);
  }, 300_000);

  it("one task, 4 agents on each clone: one claim wins, every loser exits 3; release frees it for the other machine", async () => {
    const { env, bare, a, b } = twoMachines(2);
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        runCli(["claim", ID, "task-1-1", "--agent", `agent-${i}`, "--remote", "origin", "--json", ...LONG], {
          cwd: i % 2 === 0 ? a : b,
          env,
        }),
      ),
    );
    const winners = runs.map((r, i) => ({ r, i })).filter((x) => x.r.code === 0);
    expect(winners).toHaveLength(1);
    for (const r of runs) if (r.code !== 0) expect(r.code, r.stderr).toBe(3);
    const winner = winners[0]!.i;
    expect(remoteClaims(bare, env).get(`${ID}/task-1-1`)).toBe(`agent-${winner}`);
    const loserCwd = winner % 2 === 0 ? b : a;
    const winnerCwd = winner % 2 === 0 ? a : b;
    const held = await runCli(["claim", ID, "task-1-1", "--agent", "late", "--remote", "origin", "--json"], { cwd: loserCwd, env });
    expect(held.code).toBe(3);
    expect(oneJson(held.stdout).held_by).toBe(`agent-${winner}`);
    const rel = await runCli(["release", ID, "task-1-1", "--agent", `agent-${winner}`, "--json"], { cwd: winnerCwd, env });
    expect(rel.code, rel.stderr).toBe(0);
    expect(remoteClaims(bare, env).has(`${ID}/task-1-1`)).toBe(false);
    const again = await runCli(["claim", ID, "task-1-1", "--agent", "late", "--remote", "origin", "--json"], { cwd: loserCwd, env });
    expect(again.code, again.stderr).toBe(0);
    expect(remoteClaims(bare, env).get(`${ID}/task-1-1`)).toBe("late");
  }, 300_000);

  it("the same agent name on two machines: two holders, so never both on one task", async () => {
    const { env, bare, a, b } = twoMachines(3);
    // At once, no task named: each clone's agent-7 gets a task of its own.
    const both = await Promise.all(
      [a, b].map((cwd) => runCli(["claim", "--agent", "agent-7", "--remote", "origin", "--json", ...LONG], { cwd, env })),
    );
    for (const r of both) expect(r.code, r.stdout + r.stderr).toBe(0);
    const tasks = both.map((r) => claimed(r)?.task_id);
    expect(new Set(tasks).size, tasks.join(" ")).toBe(2);
    expect(remoteClaims(bare, env).size).toBe(2);
    // Named: the task the other machine's agent-7 holds is held (exit 3), not "renewed".
    const taken = tasks[0] as string;
    const again = await runCli(["claim", ID, taken, "--agent", "agent-7", "--remote", "origin", "--json"], { cwd: b, env });
    expect(again.code, again.stdout).toBe(3);
    expect(oneJson(again.stdout)).toMatchObject({ outcome: "held", held_by: "agent-7" });
    // Its renew and release do not touch the other machine's claim either.
    expect((await runCli(["renew", ID, taken, "--agent", "agent-7", "--remote", "origin", "--json"], { cwd: b, env })).code).toBe(3);
    expect((await runCli(["release", ID, taken, "--agent", "agent-7", "--remote", "origin", "--json"], { cwd: b, env })).code).toBe(3);
    expect(remoteClaims(bare, env).has(`${ID}/${taken}`)).toBe(true);
    // The machine that holds it renews it as before.
    const own = await runCli(["claim", ID, taken, "--agent", "agent-7", "--remote", "origin", "--json"], { cwd: a, env });
    expect(own.code, own.stdout).toBe(0);
    expect(oneJson(own.stdout).renewed).toBe(true);
  }, 300_000);

  it("a task completed on the remote is not claimable: exit 1 (nothing to claim), not a conflict", async () => {
    const { env, a, b } = twoMachines(2);
    expect((await runCli(["claim", ID, "task-1-1", "--agent", "A", "--remote", "origin"], { cwd: a, env })).code).toBe(0);
    const done = await runCli(["complete-task", ID, "task-1-1", "--agent", "A", "--json"], { cwd: a, env });
    expect(done.code, done.stdout).toBe(0);
    // Machine b has not merged the completion: its copy says pending.
    const r = await runCli(["claim", ID, "task-1-1", "--agent", "B", "--remote", "origin", "--json"], { cwd: b, env });
    expect(r.code, r.stdout).toBe(1);
    expect(oneJson(r.stdout)).toMatchObject({ outcome: "none", task_id: "task-1-1" });
    expect(oneJson(r.stdout).reason).toMatch(/completed by A .*origin/);
    // With no task named it moves on to the next one.
    const next = await runCli(["claim", ID, "--agent", "B", "--remote", "origin", "--json"], { cwd: b, env });
    expect(next.code, next.stdout).toBe(0);
    expect(claimed(next)?.task_id).toBe("task-1-2");
  }, 300_000);

  it("a remote that cannot be reached is an environment problem: exit 2, naming the remote", async () => {
    const { env, a } = twoMachines(1);
    git(a, env, "remote", "add", "gone", join(a, "..", "no-such-remote.git"));
    const r = await runCli(["claim", ID, "task-1-1", "--agent", "A", "--remote", "gone", "--json"], { cwd: a, env });
    expect(r.code, r.stdout).toBe(2);
    expect(oneJson(r.stdout).error).toMatchObject({ code: "remote-unreachable" });
    expect(oneJson(r.stdout).error.message).toContain("gone");
  }, 300_000);

  it("a lease taken over on another machine is no longer the old holder's to renew or complete", async () => {
    const { env, bare, a, b } = twoMachines(2);
    const first = await runCli(["claim", ID, "task-1-1", "--agent", "A", "--lease", "1m", "--remote", "origin", "--json"], { cwd: a, env });
    expect(first.code, first.stderr).toBe(0);
    const later = { ...env, SDD_NOW: "2099-01-01T00:00:00Z" };
    const taken = await runCli(["claim", ID, "task-1-1", "--agent", "B", "--remote", "origin", "--json"], { cwd: b, env: later });
    expect(taken.code, taken.stderr).toBe(0);
    const renew = await runCli(["renew", ID, "task-1-1", "--agent", "A", "--json"], { cwd: a, env: later });
    expect(renew.code, renew.stdout).toBe(3);
    expect(remoteClaims(bare, env).get(`${ID}/task-1-1`)).toBe("B");
    // A completes anyway (its own checkout): the remote claim, B's, is left as it is.
    await runCli(["complete-task", ID, "task-1-1", "--agent", "A", "--force", "--json"], { cwd: a, env: later });
    expect(remoteClaims(bare, env).get(`${ID}/task-1-1`)).toBe("B");
  }, 300_000);
});

describe("leases, renew, release and --force", () => {
  const T0 = "2026-03-01T10:00:00.000Z";
  const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

  it("a live lease is never handed out; an expired one is; renew, release and completion follow the holder", async () => {
    const dir = tempTree({ [SPEC]: JSON.stringify(teamSpec(1), null, 2) });
    const sdd = (now: string, ...args: string[]): Promise<RunResult> =>
      runCli([...args, "--specs-dir", "specs", "--json"], { cwd: dir, env: { SDD_NOW: now, GIT_CEILING_DIRECTORIES: dir } });
    const first = await sdd(T0, "claim", "--agent", "ann", "--lease", "10m");
    expect(first.code, first.stderr).toBe(0);
    expect(oneJson(first.stdout)).toMatchObject({ outcome: "claimed", task_id: "task-1-1", lease_expires_at: at(10), scope: "checkout" });

    expect((await sdd(at(5), "claim", "--agent", "bob")).code).toBe(1);
    const held = await sdd(at(5), "claim", ID, "task-1-1", "--agent", "bob");
    expect(held.code).toBe(3);
    expect(oneJson(held.stdout)).toMatchObject({ outcome: "held", held_by: "ann" });
    expect((await sdd(at(5), "renew", ID, "task-1-1", "--agent", "bob")).code).toBe(3);
    const renewed = await sdd(at(5), "renew", ID, "task-1-1", "--agent", "ann", "--lease", "10m");
    expect(renewed.code).toBe(0);
    expect(oneJson(renewed.stdout).lease_expires_at).toBe(at(15));
    expect((await sdd(at(12), "claim", ID, "task-1-1", "--agent", "bob")).code).toBe(3);

    // ann's lease runs out: the task is ready again and bob takes it over.
    const ready = await sdd(at(20), "ready");
    expect(oneJson(ready.stdout).tasks.map((t: { task_id: string }) => t.task_id)).toEqual(["task-1-1"]);
    const taken = await sdd(at(20), "claim", "--agent", "bob", "--lease", "10m");
    expect(taken.code).toBe(0);
    expect(oneJson(taken.stdout)).toMatchObject({ agent: "bob", reclaimed_from: "ann" });
    expect((await sdd(at(21), "renew", ID, "task-1-1", "--agent", "ann")).code).toBe(3);

    // Only the holder releases, unless --force.
    expect((await sdd(at(21), "release", ID, "task-1-1", "--agent", "ann")).code).toBe(3);
    const forced = await sdd(at(21), "release", ID, "task-1-1", "--agent", "ann", "--force");
    expect(forced.code).toBe(0);
    const info = oneJson((await sdd(at(21), "task-info", ID, "task-1-1")).stdout);
    expect(info.status).toBe("pending");
    expect(info.metadata.claimed_by).toBeUndefined();

    // complete-task by another agent needs --force; the holder's completion releases.
    expect((await sdd(at(22), "claim", "--agent", "bob")).code).toBe(0);
    const refused = await sdd(at(23), "complete-task", ID, "task-1-1", "--agent", "ann");
    expect(refused.code).toBe(3);
    expect(oneJson(refused.stdout).error.message).toContain("held by bob");
    const done = await sdd(at(23), "complete-task", ID, "task-1-1", "--agent", "ann", "--force");
    expect(done.code, done.stderr).toBe(0);
    const md = oneJson((await sdd(at(23), "task-info", ID, "task-1-1")).stdout).metadata;
    expect(md).toMatchObject({ completed_by: "ann" });
    expect(md.claimed_by).toBeUndefined();
    expect((await runCli(["validate", "--specs-dir", "specs"], { cwd: dir })).code).toBe(0);
  }, 120_000);

  it("the holder completing its own task releases the claim in the ledger too", async () => {
    const root = tempTree();
    const env = gitEnv(root);
    const main = repoWithSpec(root, env, teamSpec(2));
    const wt = join(root, "wt-2");
    git(main, env, "worktree", "add", "-q", "-b", "agent-2", wt);
    expect((await runCli(["claim", ID, "task-1-1", "--agent", "ann"], { cwd: main, env })).code).toBe(0);
    // The other worktree sees the claim before anything is committed.
    const other = await runCli(["complete-task", ID, "task-1-1", "--agent", "bob", "--json"], { cwd: wt, env });
    expect(other.code).toBe(3);
    expect(oneJson((await runCli(["ready", "--json"], { cwd: wt, env })).stdout).tasks.map((t: any) => t.task_id)).toEqual(["task-1-2"]);
    expect((await runCli(["complete-task", ID, "task-1-1", "--agent", "ann"], { cwd: main, env })).code).toBe(0);
    const ledger = JSON.parse(readFileSync(join(main, ".git", "sdd", "claims.json"), "utf8")) as { claims: object };
    expect(ledger.claims).toEqual({});
  }, 120_000);
});

describe("sdd ci and claims", () => {
  it("flags a task completed while another agent holds a live claim on it in another worktree", async () => {
    const root = tempTree();
    const env = gitEnv(root);
    const main = repoWithSpec(root, env, teamSpec(2));
    const wt = join(root, "wt-2");
    git(main, env, "worktree", "add", "-q", "-b", "agent-2", wt);
    expect((await runCli(["claim", ID, "task-1-1", "--agent", "ann"], { cwd: main, env })).code).toBe(0);
    // update-status does not check claims; ci catches what it let through.
    expect((await runCli(["update-status", ID, "task-1-1", "completed"], { cwd: wt, env })).code).toBe(0);
    const ci = await runCli(["ci", "--json"], { cwd: wt, env });
    expect(ci.code).toBe(1);
    const report = oneJson(ci.stdout);
    const flagged = report.findings.filter((f: { code: string }) => f.code === "completed-by-other-agent");
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatchObject({ spec_id: ID, pointer: "/hierarchy/task-1-1", file: SPEC });
    expect(flagged[0].message).toContain("ann holds a live claim");
    expect(report.steps.find((x: { name: string }) => x.name === "claims")).toMatchObject({ ok: false });
    const clean = oneJson((await runCli(["ci", "--json"], { cwd: main, env })).stdout);
    expect(clean.findings.filter((f: { code: string }) => f.code === "completed-by-other-agent")).toEqual([]);
  }, 120_000);
});

describe("claims across branches", () => {
  it("two branches completing one task under different agents merge with a conflict, not a silent pick", async () => {
    const root = tempTree();
    const env = gitEnv(root);
    const dir = repoWithSpec(root, env, teamSpec(2));
    const init = await runCli(
      [
        "init",
        "--merge-driver",
        "--driver-command",
        `'${process.execPath}' '${join(process.cwd(), "bin", "sdd.js")}'`,
        "--specs-dir",
        "specs",
      ],
      { cwd: dir, env },
    );
    expect(init.code, init.stderr).toBe(0);
    git(dir, env, "add", "-A");
    git(dir, env, "commit", "-q", "-m", "driver");
    git(dir, env, "checkout", "-q", "-b", "ann");
    expect(
      (
        await runCli(["complete-task", ID, "task-1-1", "--agent", "ann", "--specs-dir", "specs"], {
          cwd: dir,
          env: { ...env, SDD_NOW: "2026-03-01T10:00:00Z" },
        })
      ).code,
    ).toBe(0);
    git(dir, env, "commit", "-q", "-am", "ann: task-1-1");
    git(dir, env, "checkout", "-q", "-b", "bob", "main");
    expect(
      (
        await runCli(["complete-task", ID, "task-1-1", "--agent", "bob", "--specs-dir", "specs"], {
          cwd: dir,
          env: { ...env, SDD_NOW: "2026-03-01T11:00:00Z" },
        })
      ).code,
    ).toBe(0);
    git(dir, env, "commit", "-q", "-am", "bob: task-1-1");
    const merge = spawnSync("git", ["merge", "--no-edit", "ann"], { cwd: dir, env: { ...process.env, ...env }, encoding: "utf8" });
    expect(merge.status).not.toBe(0);
    expect(`${merge.stdout}${merge.stderr}`).toContain("CONFLICT");
    expect(`${merge.stdout}${merge.stderr}`).toContain("task-1-1");
  }, 120_000);
});
