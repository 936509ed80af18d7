/**
 * Crash safety: writers killed with SIGKILL at random moments. After every kill
 * the spec parses and is exactly the state before the update or the state after the whole
 * update; nothing but `.sdd-tmp` files is left over; a lock left by a killed writer is
 * taken over by the next one.
 *
 * Each attempt pins the clock (SDD_NOW), so the state after the update is known exactly: the
 * same transaction, run in-process as a dry run on the state before, gives its patch.
 * Four lanes, one spec each, run side by side to keep the wall time down.
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, type Dirent } from "node:fs";
import { join } from "node:path";
import jsonpatch from "fast-json-patch";
import { expect, it } from "vitest";
import { planCompleteTask, planJournal, planStatusChange } from "../../src/core/mutations/status.js";
import type { Status } from "../../src/core/spec/model.js";
import { transact, type Plan, type PlanContext } from "../../src/core/store/transaction.js";
import { checkSpec } from "../../src/core/spec/rules/index.js";
import { schemaFindings } from "../../src/core/schema/validate.js";
import { BIN, specsTree, type NodeInit, pendingNode } from "../helpers.js";

const LANES = 4;
const KILLS_PER_LANE = 28;
const BUDGET_MS = 180_000;
const PHASES = 8;
const TASKS = 25;
const AUTHOR = "crash-test";
const JOURNALED: ReadonlySet<string> = new Set(["task", "verify"]);
const STATUSES: Status[] = ["pending", "in_progress", "completed"];

/** A spec big enough (8 × 25 tasks, a long journal) that the transaction takes a while. */
function crashSpec(id: string): Record<string, any> {
  const h: Record<string, NodeInit> = {
    "spec-root": pendingNode({ type: "spec", title: "Crash", parent: null, total_tasks: PHASES * TASKS }),
  };
  for (let p = 1; p <= PHASES; p++) {
    h["spec-root"]!.children!.push(`phase-${p}`);
    h[`phase-${p}`] = pendingNode({ type: "phase", title: `Phase ${p}`, parent: "spec-root", total_tasks: TASKS });
    for (let t = 1; t <= TASKS; t++) {
      h[`phase-${p}`]!.children!.push(`task-${p}-${t}`);
      h[`task-${p}-${t}`] = pendingNode({
        type: "task",
        title: `Task ${p}.${t}: café au lait`,
        parent: `phase-${p}`,
        metadata: { file_path: `src/p${p}/t${t}.ts`, details: "x".repeat(200) },
      });
    }
  }
  const journal = Array.from({ length: 150 }, (_, i) => ({
    timestamp: "2026-01-01T00:00:00Z",
    entry_type: "note",
    title: `Seed ${i}`,
    author: "seed",
    content: "y".repeat(300),
    metadata: {},
  }));
  return {
    spec_id: id,
    title: "Crash",
    generated: "2026-01-01T00:00:00Z",
    last_updated: "2026-01-01T00:00:00Z",
    metadata: { title: "Crash", status: "active" },
    hierarchy: h,
    journal,
  };
}

/** A small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Update {
  argv: string[];
  planner: (c: PlanContext) => Plan<unknown>;
}

/** One update that changes the spec: a status change, a completion or a journal entry. */
function pickUpdate(doc: Record<string, any>, id: string, rnd: () => number, n: string): Update {
  const tasks = Object.keys(doc.hierarchy).filter((k) => k.startsWith("task-"));
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const r = rnd();
  if (r < 0.4) {
    const task = pick(tasks);
    const status = pick(STATUSES.filter((s) => s !== doc.hierarchy[task].status));
    return {
      argv: ["update-status", id, task, status],
      planner: (c) => planStatusChange(c, { task, status, journaledTypes: JOURNALED }),
    };
  }
  const open = tasks.filter((t) => doc.hierarchy[t].status !== "completed");
  if (r < 0.7 && open.length > 0) {
    const task = pick(open);
    return {
      argv: ["complete-task", id, task],
      // What the command plans: its default title and content.
      planner: (c) =>
        planCompleteTask(c, {
          task,
          status: "completed",
          journaledTypes: JOURNALED,
          journal: {
            title: `Task Completed: ${String(doc.hierarchy[task].title)}`,
            content: `Task ${task} marked as completed.`,
            entryType: "status_change",
            author: AUTHOR,
          },
        }),
    };
  }
  const title = `Crash note ${n}`;
  return {
    argv: ["add-journal", id, "--title", title, "--content", "killed or not"],
    planner: (c) => ({ ops: planJournal(c, { title, content: "killed or not", entryType: "note", author: AUTHOR }), result: null }),
  };
}

interface VictimRun {
  code: number | null;
  signal: string | null;
  ms: number;
  /** When the victim was spawned (Date.now() in the runner, the clock file times use). */
  started: number;
}

/**
 * Spawns victims and kills them on time. It runs in its own process because this one is
 * busy checking the other lanes, and a late timer would aim the kill at the wrong moment.
 */
const RUNNER = `
import { spawn } from "node:child_process";
process.on("message", ({ argv, env, delay }) => {
  const started = Date.now();
  const child = spawn(process.execPath, argv, { env: { ...process.env, ...env }, stdio: "ignore" });
  const timer = delay === null ? undefined : setTimeout(() => child.kill("SIGKILL"), delay);
  child.on("close", (code, signal) => {
    clearTimeout(timer);
    process.send({ code, signal, started, ms: Date.now() - started });
  });
});
`;

class Runner {
  private readonly child: ChildProcess;

  constructor(script: string) {
    // No inherited execArgv: the test worker's loader flags are not for a plain script.
    this.child = fork(script, [], { execArgv: [], stdio: ["ignore", "ignore", "inherit", "ipc"] });
  }

  run(argv: string[], env: Record<string, string>, killAfterMs?: number): Promise<VictimRun> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`the runner process exited (${code})`));
      this.child.once("exit", onExit);
      this.child.once("message", (m) => {
        this.child.off("exit", onExit);
        resolve(m as VictimRun);
      });
      this.child.send({ argv: [BIN, ...argv, "--json"], env, delay: killAfterMs ?? null });
    });
  }

  stop(): void {
    this.child.kill();
  }
}

/** Every file below `dir`. Other lanes' writers run meanwhile: a folder of theirs (a lock) may vanish mid-walk. */
function walk(dir: string, prefix = ""): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && prefix !== "") return [];
    throw err;
  }
  return entries.flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`]));
}

interface LaneStats {
  kills: number;
  before: number;
  after: number;
  finished: number;
  locksLeft: number;
  takeovers: number;
  maxTakeoverMs: number;
  tempLeft: number;
}

async function lane(runner: Runner, specsDir: string, cwd: string, id: string, seed: number, deadline: number): Promise<LaneStats> {
  const rnd = prng(seed);
  const file = join(specsDir, "active", `${id}.json`);
  const lockDir = join(specsDir, ".locks", `${id}.lock`);
  const stats: LaneStats = { kills: 0, before: 0, after: 0, finished: 0, locksLeft: 0, takeovers: 0, maxTakeoverMs: 0, tempLeft: 0 };
  let attempt = 0;
  // Where most kills aim: a moment while the writer holds the lock. Start-up time varies a
  // lot with the machine's load, so it is learnt: later after a kill that came before the
  // lock was taken, earlier after one that came once the write was done.
  let aimMs = 150;

  /** Plan one update on the current state; run it (killed or not); check the file. */
  const step = async (killAfterMs: number | undefined): Promise<VictimRun & { changed: boolean }> => {
    attempt++;
    const label = `${id} attempt ${attempt} (seed ${seed})`;
    const beforeBytes = readFileSync(file);
    const before = JSON.parse(beforeBytes.toString("utf8")) as Record<string, any>;
    const now = new Date(Date.UTC(2026, 5, 1, 0, 0, 0, 0) + attempt * 1000).toISOString();
    const update = pickUpdate(before, id, rnd, `${seed}-${attempt}`);
    const env = { SDD_NOW: now, SDD_AUTHOR: AUTHOR, NO_COLOR: "1", CI: "true" };
    const plan = await transact({ specsDir, spec: id, cwd, env, command: update.argv[0]!, dryRun: true }, update.planner);
    expect(plan.changed, label).toBe(true);
    const expected = jsonpatch.applyPatch(jsonpatch.deepClone(before), plan.patch, true, false).newDocument as Record<string, any>;

    const run = await runner.run([...update.argv, "--specs-dir", specsDir], env, killAfterMs);
    const afterBytes = readFileSync(file);
    const text = afterBytes.toString("utf8");
    let doc: Record<string, any>;
    try {
      doc = JSON.parse(text) as Record<string, any>;
    } catch {
      throw new Error(`${label}: the spec does not parse after ${update.argv.join(" ")} (${run.signal ?? run.code})`);
    }
    const changed = !afterBytes.equals(beforeBytes);
    // Either untouched, byte for byte, or exactly the whole update.
    if (changed) expect(doc, `${label}: ${update.argv.join(" ")}`).toEqual(expected);
    const errors = [...schemaFindings("spec", doc), ...checkSpec(doc, { fileStem: id, folder: "active" })].filter(
      (f) => f.severity === "error",
    );
    expect(errors, label).toEqual([]);
    return { ...run, changed };
  };

  const first = await step(undefined);
  expect(first.code).toBe(0);
  expect(first.changed).toBe(true);
  aimMs = 0.85 * (statSync(file).mtimeMs - first.started);

  while (stats.kills < KILLS_PER_LANE && Date.now() < deadline) {
    const delay = Math.max(0, Math.round(rnd() < 0.2 ? rnd() * aimMs : aimMs * (0.85 + rnd() * 0.3)));
    const r = await step(delay);
    const inLock = existsSync(lockDir);
    if (r.changed || r.signal === null) aimMs *= 0.93;
    else if (!inLock) aimMs *= 1.07;
    if (r.signal === "SIGKILL") {
      stats.kills++;
      if (r.changed) stats.after++;
      else stats.before++;
    } else {
      expect(r.code).toBe(0);
      expect(r.changed).toBe(true);
      stats.finished++;
    }
    // Leftovers: only spec files, history, backups and temp files; never a torn spec. (The
    // other lanes write their own files meanwhile: look only at this spec's.)
    for (const f of walk(specsDir).filter((p) => p.includes(id))) {
      const ok =
        /^(pending|active|completed|archived)\/[^/]+\.json$/.test(f) ||
        /^\.history\/[^/]+\.jsonl$/.test(f) ||
        /^\.backups\/[^/]+\/\d+\.json$/.test(f) ||
        // The owner token of a lock whose holder was killed (taken over by the next writer).
        /^\.locks\/[^/]+\.lock\.owner$/.test(f) ||
        f.endsWith(".sdd-tmp");
      expect(ok, `unexpected file ${f}`).toBe(true);
      if (/^\.backups\/[^/]+\/\d+\.json$/.test(f)) JSON.parse(readFileSync(join(specsDir, f), "utf8"));
    }
    stats.tempLeft = walk(specsDir).filter((f) => f.includes(id) && f.endsWith(".sdd-tmp")).length;
    // A lock left by the killed writer: the next writer (not killed) must take it over.
    if (inLock) {
      stats.locksLeft++;
      const t = await step(undefined);
      expect(t.code, `takeover after ${attempt}`).toBe(0);
      expect(t.changed).toBe(true);
      expect(t.ms).toBeLessThan(12_000);
      stats.takeovers++;
      stats.maxTakeoverMs = Math.max(stats.maxTakeoverMs, t.ms);
    }
  }
  expect(existsSync(lockDir)).toBe(false);
  return stats;
}

it("SIGKILL at random moments leaves each spec as before or as after one whole update", async () => {
  const ids = Array.from({ length: LANES }, (_, i) => `crash${i + 1}-2026-01-01-001`);
  const dir = specsTree(ids.map((id) => ({ spec: crashSpec(id) })));
  const specsDir = join(dir, "specs");
  const seed = Date.now() % 100_000;
  const started = Date.now();
  const deadline = started + BUDGET_MS;
  const script = join(dir, "runner.mjs");
  writeFileSync(script, RUNNER);
  const runners = ids.map(() => new Runner(script));
  let results: LaneStats[];
  try {
    results = await Promise.all(ids.map((id, i) => lane(runners[i]!, specsDir, dir, id, seed + i, deadline)));
  } finally {
    for (const r of runners) r.stop();
  }
  const sum = (k: keyof LaneStats): number => results.reduce((n, s) => n + s[k], 0);
  console.log(
    `crash: ${sum("kills")} kills (${sum("before")} left the state before, ${sum("after")} the state after), ` +
      `${sum("finished")} runs finished before their kill, ${sum("locksLeft")} kills inside the lock whose stale lock the next writer took over ` +
      `(slowest ${Math.max(...results.map((r) => r.maxTakeoverMs))} ms), ${sum("tempLeft")} temp files left, ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s, seed ${seed}`,
  );
  expect(sum("kills")).toBeGreaterThanOrEqual(100);
  expect(sum("takeovers")).toBe(sum("locksLeft"));
}, 280_000);
