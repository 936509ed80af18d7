/**
 * SIGKILL during `move-spec` and `complete-spec --force` on a large spec. After every kill
 * the spec is in exactly one folder, either as before (old folder, old bytes) or as after
 * (new folder, exactly the update's result); a kill between the two renames of a move
 * leaves a marker that `doctor --fix` finishes (or undoes), after which the same holds. The
 * history has one entry per applied move.
 *
 * SDD_CRASH_MOVE_KILLS sets the number of kills (default 16; the acceptance run uses 100).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import jsonpatch from "fast-json-patch";
import { expect, it } from "vitest";
import { LOCK_STALE_MS } from "../../src/core/store/lock.js";
import { planCompleteSpec, planMove } from "../../src/core/mutations/lifecycle.js";
import type { SpecFolder } from "../../src/core/spec/model.js";
import { transact, type Plan, type PlanContext } from "../../src/core/store/transaction.js";
import { BIN, oneJson, runCli, specsTree, type NodeInit } from "../helpers.js";

const KILLS = Number(process.env.SDD_CRASH_MOVE_KILLS ?? 16);
const ID = "move-2026-01-01-001";
const FOLDERS: SpecFolder[] = ["pending", "active", "completed", "archived"];
const JOURNALED: ReadonlySet<string> = new Set(["task", "verify"]);

/** About 4 MB: parsing and writing it takes long enough for kills to land inside the move. */
function bigSpec(): Record<string, any> {
  const node = (over: NodeInit): NodeInit => ({
    status: "pending",
    children: [],
    total_tasks: 1,
    completed_tasks: 0,
    metadata: {},
    ...over,
  });
  const h: Record<string, NodeInit> = { "spec-root": node({ type: "spec", title: "Move", parent: null, total_tasks: 2000 }) };
  for (let p = 1; p <= 20; p++) {
    h["spec-root"]!.children!.push(`phase-${p}`);
    h[`phase-${p}`] = node({ type: "phase", title: `Phase ${p}`, parent: "spec-root", total_tasks: 100 });
    for (let t = 1; t <= 100; t++) {
      h[`phase-${p}`]!.children!.push(`task-${p}-${t}`);
      h[`task-${p}-${t}`] = node({ type: "task", title: `Task ${p}.${t}`, parent: `phase-${p}`, metadata: { details: "d".repeat(1500) } });
    }
  }
  return {
    spec_id: ID,
    title: "Move",
    generated: "2026-01-01T00:00:00Z",
    last_updated: "2026-01-01T00:00:00Z",
    metadata: { title: "Move", status: "active" },
    hierarchy: h,
    journal: [],
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function run(
  argv: string[],
  env: Record<string, string>,
  killAfterMs: number | undefined,
): Promise<{ code: number | null; signal: string | null; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, ...argv], { env: { ...process.env, ...env }, stdio: "ignore" });
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - started });
    });
  });
}

async function untilStale(lock: string): Promise<void> {
  for (;;) {
    let age: number;
    try {
      age = Date.now() - statSync(lock).mtimeMs;
    } catch {
      return;
    }
    if (age > LOCK_STALE_MS + 300) return;
    await sleep(250);
  }
}

function where(specsDir: string): SpecFolder[] {
  return FOLDERS.filter((f) => existsSync(join(specsDir, f, `${ID}.json`)));
}

it(
  `SIGKILL during move-spec / complete-spec leaves the spec once, as before or after (${KILLS} kills)`,
  async () => {
    const dir = specsTree([{ spec: bigSpec() }]);
    const specsDir = join(dir, "specs");
    const marker = join(specsDir, ".history", `${ID}.move`);
    const lock = join(specsDir, ".locks", `${ID}.lock`);
    const stats = { kills: 0, before: 0, after: 0, finishedByDoctor: 0, undoneByDoctor: 0, finished: 0 };
    let applied = 0;
    let aim = 0;
    // Bounded: how many runs a kill lands in depends on the machine's load.
    let attempt = 0;
    for (; stats.kills < KILLS && attempt < KILLS * 6; attempt++) {
      const [folder] = where(specsDir);
      expect(folder).toBeDefined();
      const beforeBytes = readFileSync(join(specsDir, folder as string, `${ID}.json`));
      const before = JSON.parse(beforeBytes.toString("utf8")) as Record<string, any>;
      const to: SpecFolder =
        attempt % 3 === 2 ? "completed" : (FOLDERS.filter((f) => f !== folder && f !== "completed")[attempt % 2] as SpecFolder);
      const argv = to === "completed" ? ["complete-spec", ID, "--force"] : ["move-spec", ID, to];
      const planner = (c: PlanContext): Plan<unknown> =>
        to === "completed" ? planCompleteSpec(c, JOURNALED, true) : planMove(c, to, { journaledTypes: JOURNALED, force: false });
      if (folder === to) continue;
      const env = { SDD_NOW: new Date(Date.UTC(2026, 5, 1) + attempt * 1000).toISOString(), NO_COLOR: "1", CI: "true" };
      const plan = await transact({ specsDir, spec: ID, cwd: dir, env, command: argv[0] as string, dryRun: true }, planner);
      const expected = jsonpatch.applyPatch(jsonpatch.deepClone(before), plan.patch, true, false).newDocument;

      const killAt = attempt === 0 ? undefined : Math.round(aim * (0.3 + Math.random() * 0.75));
      const r = await run([...argv, "--specs-dir", specsDir], env, killAt);
      if (attempt === 0) aim = r.ms;
      const label = `attempt ${attempt}: ${argv.join(" ")} from ${String(folder)} (${r.signal ?? r.code})`;
      if (process.env.SDD_TEST_TRACE !== undefined) console.log(label, killAt, r.ms);
      if (r.signal === "SIGKILL") {
        stats.kills++;
        if (existsSync(marker)) {
          // Killed between the renames: doctor finishes it once the killed writer's lock is stale.
          await untilStale(lock);
          const d = await runCli(["doctor", "--fix", "--json", "--specs-dir", specsDir], { cwd: dir });
          const p = (oneJson(d.stdout).problems as { kind: string; fixed: boolean; message: string }[]).find(
            (x) => x.kind === "unfinished-move",
          );
          expect(p?.fixed, `${label}: ${d.stdout}`).toBe(true);
          if (p?.message.startsWith("finished")) stats.finishedByDoctor++;
          else stats.undoneByDoctor++;
          expect(existsSync(marker), label).toBe(false);
        }
      } else {
        expect(r.code, label).toBe(0);
        stats.finished++;
      }
      const now = where(specsDir);
      expect(now.length, `${label}: in ${now.join(" and ")}`).toBe(1);
      const bytes = readFileSync(join(specsDir, now[0] as string, `${ID}.json`));
      if (now[0] === folder) {
        expect(bytes.equals(beforeBytes), `${label}: old folder, but not the old bytes`).toBe(true);
        if (r.signal === "SIGKILL") stats.before++;
      } else {
        expect(now[0], label).toBe(to);
        expect(JSON.parse(bytes.toString("utf8")), `${label}: new folder, but not the update's result`).toEqual(expected);
        applied++;
        if (r.signal === "SIGKILL") stats.after++;
      }
      const history = readFileSync(join(specsDir, ".history", `${ID}.jsonl`), "utf8")
        .trim()
        .split("\n")
        .filter((l) => l !== "");
      expect(history.length, `${label}: history`).toBe(applied);
      expect(JSON.parse(history[history.length - 1] ?? "{}").moved_to, label).toBe(now[0]);
      // Aim at the end of a run (the move is its last step): follow the runs that finished
      // before their kill, nudge later after a kill that left the state before.
      if (r.signal !== "SIGKILL") aim = 0.5 * aim + 0.5 * r.ms;
      else if (now[0] === folder) aim *= 1.05;
      // Let a lock left by the killed writer go stale, so the next run takes it over at once.
      await untilStale(lock);
    }
    console.log(
      `crash-move: ${stats.kills} kills: ${stats.before} left the state before, ${stats.after} the state after ` +
        `(${stats.finishedByDoctor} finished and ${stats.undoneByDoctor} undone by doctor --fix); ${stats.finished} runs finished before their kill; ${attempt} runs`,
    );
  },
  120_000 + KILLS * 6 * 8_000,
);
