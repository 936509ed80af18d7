/**
 * SIGKILL during `move-spec`, `complete-spec --force` and `undo` (of a move) on a large spec.
 * After every kill the spec is in exactly one folder, either as before (old folder, old
 * bytes) or as after (new folder, exactly the update's result); a kill between the two
 * renames of a move leaves a marker that `doctor --fix` finishes (or undoes), after which
 * the same holds. The history has one entry per applied change, the last naming the folder
 * the spec is in.
 *
 * The kill lands at a random delay over the command's lifetime, measured from uncrashed runs
 * (half of the kills anywhere in it, half in its last 30 %, where the renames are). The
 * kill is sent by `timeout`, not by this process, so its timing does not depend on this
 * process's event loop. The lock's stale time is shortened (SDD_LOCK_STALE_MS) so the next
 * run takes over a killed writer's lock without waiting 5 s.
 *
 * SDD_CRASH_MOVE_KILLS sets the number of kills (default 100, over two lanes).
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import jsonpatch from "fast-json-patch";
import { expect, it } from "vitest";
import { planCompleteSpec, planMove } from "../../src/core/mutations/lifecycle.js";
import type { SpecFolder } from "../../src/core/spec/model.js";
import { transact, type Plan, type PlanContext } from "../../src/core/store/transaction.js";
import { planUndo } from "../../src/core/store/undo.js";
import { BIN, bigSpec, oneJson, runCli, specsTree } from "../helpers.js";

const KILLS = Number(process.env.SDD_CRASH_MOVE_KILLS ?? 100);
const LANES = 2;
const STALE_MS = 250;
const FOLDERS: SpecFolder[] = ["pending", "active", "completed", "archived"];
const JOURNALED: ReadonlySet<string> = new Set(["task", "verify"]);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Run the CLI, SIGKILLed by `timeout` after `killAfterMs` unless it finished first. */
function run(
  argv: string[],
  env: Record<string, string>,
  killAfterMs: number | undefined,
): Promise<{ code: number | null; killed: boolean; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const cmd = [process.execPath, BIN, ...argv];
    const [file, ...args] = killAfterMs === undefined ? cmd : ["timeout", "-s", "KILL", (killAfterMs / 1000).toFixed(3), ...cmd];
    const child = spawn(file as string, args, { env: { ...process.env, ...env }, stdio: "ignore" });
    child.on("error", reject);
    // timeout signals its own process group, so it dies of the SIGKILL too.
    child.on("close", (code, signal) => resolve({ code, killed: signal === "SIGKILL" || code === 137, ms: Date.now() - started }));
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
    if (age > STALE_MS + 50) return;
    await sleep(STALE_MS / 2);
  }
}

interface Stats {
  kills: number;
  before: number;
  after: number;
  finishedByDoctor: number;
  undoneByDoctor: number;
  finished: number;
  runs: number;
  byCommand: Record<string, number>;
}

async function lane(n: number, kills: number): Promise<Stats> {
  const id = `move${n}-2026-01-01-001`;
  const dir = specsTree([{ spec: bigSpec(id, { title: "Move", phases: 8, detailBytes: 1200 }) }]);
  const specsDir = join(dir, "specs");
  const marker = join(specsDir, ".history", `${id}.move`);
  const lock = join(specsDir, ".locks", `${id}.lock`);
  const historyFile = join(specsDir, ".history", `${id}.jsonl`);
  const shadow = join(dir, "before");
  const where = (): SpecFolder[] => FOLDERS.filter((f) => existsSync(join(specsDir, f, `${id}.json`)));
  const stats: Stats = { kills: 0, before: 0, after: 0, finishedByDoctor: 0, undoneByDoctor: 0, finished: 0, runs: 0, byCommand: {} };
  const env = (attempt: number): Record<string, string> => ({
    SDD_NOW: new Date(Date.UTC(2026, 5, 1) + attempt * 1000).toISOString(),
    SDD_LOCK_STALE_MS: String(STALE_MS),
    NO_COLOR: "1",
    CI: "true",
  });
  let applied = 0;
  /** The command's lifetime as measured by uncrashed runs (the first two calibrate it). */
  let lifetime = 0;
  let attempt = 0;
  // Bounded: how many runs a kill lands in depends on the machine's load.
  for (; stats.kills < kills && attempt < kills * 4; attempt++) {
    const [folder] = where();
    expect(folder).toBeDefined();
    const beforeBytes = readFileSync(join(specsDir, folder as string, `${id}.json`));
    const before = JSON.parse(beforeBytes.toString("utf8")) as Record<string, any>;
    // Undo reverts the last change; not a move out of completed/, which would put back a
    // spec whose open work complete-spec --force let through.
    const last =
      applied === 0
        ? undefined
        : (JSON.parse(readFileSync(historyFile, "utf8").trim().split("\n").at(-1) as string) as { moved_from?: string });
    const kind =
      last !== undefined && last.moved_from !== "completed" && attempt % 3 === 2
        ? "undo"
        : folder !== "completed" && attempt % 3 === 1
          ? "complete"
          : "move";
    const to = FOLDERS.filter((f) => f !== folder && f !== "completed")[attempt % 2] as SpecFolder;
    const argv = kind === "undo" ? ["undo", id] : kind === "complete" ? ["complete-spec", id, "--force"] : ["move-spec", id, to];
    const planner =
      (tree: string) =>
      (c: PlanContext): Plan<unknown> =>
        kind === "undo"
          ? planUndo(c, tree)
          : kind === "complete"
            ? planCompleteSpec(c, JOURNALED, true)
            : planMove(c, to, { journaledTypes: JOURNALED, force: false });
    // The update's result is planned (a dry run) only when the state changed, on a copy of
    // the tree as it was before the run: most kills leave the state before.
    rmSync(shadow, { recursive: true, force: true });
    cpSync(specsDir, shadow, { recursive: true, filter: (f) => !f.includes(".locks") });
    const expectedAfter = async (): Promise<{ doc: unknown; folder: string | undefined }> => {
      const plan = await transact(
        { specsDir: shadow, spec: id, cwd: dir, env: env(attempt), command: argv[0] as string, dryRun: true },
        planner(shadow),
      );
      return {
        doc: jsonpatch.applyPatch(jsonpatch.deepClone(before), plan.patch, true, false).newDocument,
        folder: plan.file.split("/").at(-2),
      };
    };

    const calibrating = attempt < 2;
    const spread = stats.kills % 2 === 0 ? [0.05, 1] : [0.7, 1];
    const killAt = calibrating
      ? undefined
      : Math.round(lifetime * ((spread[0] as number) + Math.random() * ((spread[1] as number) - (spread[0] as number))));
    const r = await run([...argv, "--specs-dir", specsDir], env(attempt), killAt);
    stats.runs++;
    const label = `lane ${n} attempt ${attempt}: ${argv.join(" ")} from ${String(folder)} (${r.killed ? `killed at ${killAt} ms` : `exit ${r.code}`})`;
    if (process.env.SDD_TEST_TRACE !== undefined) console.log(label, r.ms);
    if (r.killed) {
      stats.kills++;
      stats.byCommand[argv[0] as string] = (stats.byCommand[argv[0] as string] ?? 0) + 1;
      if (existsSync(marker)) {
        // Killed between the renames: doctor finishes it once the killed writer's lock is stale.
        await untilStale(lock);
        const d = await runCli(["doctor", "--fix", "--json", "--specs-dir", specsDir], { cwd: dir, env: env(attempt) });
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
      // Follow the machine's load; the first two runs set the lifetime.
      lifetime = lifetime === 0 ? r.ms : calibrating ? (lifetime + r.ms) / 2 : 0.8 * lifetime + 0.2 * r.ms;
    }
    const now = where();
    expect(now.length, `${label}: in ${now.join(" and ")}`).toBe(1);
    const bytes = readFileSync(join(specsDir, now[0] as string, `${id}.json`));
    if (bytes.equals(beforeBytes)) {
      expect(now[0], `${label}: the old bytes, but not in the old folder`).toBe(folder);
      if (r.killed) stats.before++;
    } else {
      const expected = await expectedAfter();
      expect(now[0], label).toBe(expected.folder);
      expect(JSON.parse(bytes.toString("utf8")), `${label}: changed, but not to the update's result`).toEqual(expected.doc);
      applied++;
      if (r.killed) stats.after++;
    }
    const history = readFileSync(historyFile, "utf8")
      .split("\n")
      .filter((l) => l !== "");
    expect(history.length, `${label}: history`).toBe(applied);
    if (applied > 0) expect(JSON.parse(history[history.length - 1] as string).moved_to, label).toBe(now[0]);
    // A killed run that left the state before, killed late: the lifetime is longer than measured.
    if (r.killed && now[0] === folder && killAt !== undefined && killAt > lifetime) lifetime *= 1.05;
    // Let a lock left by the killed writer go stale, so the next run takes it over at once.
    await untilStale(lock);
  }
  expect(stats.kills, `lane ${n}: kills that landed within ${attempt} runs`).toBe(kills);
  // What the kills leave besides the one spec file is only sdd's temp files (doctor removes them).
  for (const f of FOLDERS) {
    const stray = (existsSync(join(specsDir, f)) ? readdirSync(join(specsDir, f)) : []).filter(
      (name) => name !== `${id}.json` && !name.endsWith(".sdd-tmp"),
    );
    expect(stray, `lane ${n}: ${f}`).toEqual([]);
  }
  return stats;
}

it(
  `SIGKILL during move-spec / complete-spec / undo leaves the spec once, as before or after (${KILLS} kills)`,
  async () => {
    const started = Date.now();
    const all = await Promise.all(
      Array.from({ length: LANES }, (_, n) => lane(n, Math.floor(KILLS / LANES) + (n < KILLS % LANES ? 1 : 0))),
    );
    const sum = (k: keyof Omit<Stats, "byCommand">): number => all.reduce((s, x) => s + x[k], 0);
    const by: Record<string, number> = {};
    for (const s of all) for (const [c, k] of Object.entries(s.byCommand)) by[c] = (by[c] ?? 0) + k;
    console.log(
      `crash-move: ${sum("kills")} kills (${Object.entries(by)
        .map(([c, k]) => `${k} ${c}`)
        .join(", ")}): ${sum("before")} left the state before, ${sum("after")} the state after ` +
        `(${sum("finishedByDoctor")} finished and ${sum("undoneByDoctor")} undone by doctor --fix); ` +
        `${sum("finished")} runs finished before their kill; ${sum("runs")} runs in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    expect(sum("kills")).toBe(KILLS);
  },
  60_000 + KILLS * 4 * 3_000,
);
