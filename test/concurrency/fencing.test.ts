/**
 * Fencing a writer that outlived its lock, with real processes. A writer stops itself
 * (SIGSTOP, as Ctrl-Z or a paused VM would) right after taking the spec's lock, or right
 * before replacing the file once it has read it and planned its change. Other writers wait
 * out the stale time, take the lock over and write (journal entries, and in every other
 * trial a move to another folder). Then a live process holds the lock, and the stopped
 * writer is resumed (SIGCONT). Every trial must end with:
 *
 * - the resumed writer exiting 3 ("lock-lost") and its change nowhere;
 * - every write that reported success present (0 lost), the spec in exactly one folder
 *   (0 duplicate ids), the file parsing, one history line per successful write;
 * - the live holder's lock still there (the resumed writer never removes a lock it lost).
 *
 * SDD_FENCE_TRIALS sets the number of trials (default 10; the acceptance run uses 50).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { BIN, makeSpec, runCli, specsTree, type RunResult } from "../helpers.js";

const TRIALS = Number(process.env.SDD_FENCE_TRIALS ?? 10);
const LANES = 2;
const FOLDERS = ["pending", "active", "completed", "archived"];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The process state letter from /proc ("T" once stopped). */
function procState(pid: number): string | undefined {
  try {
    return /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

interface Stopped {
  pid: number;
  done: Promise<RunResult>;
}

/** Start a writer that stops itself at `point`; resolves once it is stopped. */
async function stoppedWriter(args: string[], cwd: string, point: string): Promise<Stopped> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", CI: "true", SDD_TEST_STOP: point },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  const pid = child.pid as number;
  for (;;) {
    const state = procState(pid);
    if (state === "T") return { pid, done };
    if (state === undefined) {
      const r = await done;
      throw new Error(`the writer exited before stopping (${r.code}): ${r.stdout}${r.stderr}`);
    }
    await sleep(10);
  }
}

interface TrialStats {
  successes: number;
  lost: number;
  duplicates: number;
  resumedExit3: number;
  resumedWrote: number;
  lockKept: number;
}

async function trial(n: number): Promise<TrialStats> {
  const id = `fence${n}-2026-01-01-001`;
  const dir = specsTree([{ spec: makeSpec(id) }]);
  const specsDir = join(dir, "specs");
  const point = n % 2 === 0 ? "after-lock" : "before-write";
  const label = `trial ${n} (${point})`;
  const victimTitle = `victim ${n}`;
  const victim = await stoppedWriter(
    ["add-journal", id, "--title", victimTitle, "--content", "resumed", "--json", "--specs-dir", specsDir],
    dir,
    point,
  );

  // Others take the stale lock over (after the stale time) and write.
  const others: { title?: string; args: string[] }[] = [0, 1].map((k) => {
    const title = `other ${n}-${k}`;
    return { title, args: ["add-journal", id, "--title", title, "--content", "took over"] };
  });
  if (n % 4 < 2) others.push({ args: ["move-spec", id, "pending"] });
  const results = await Promise.all(
    others.map((o) => runCli([...o.args, "--json", "--lock-timeout", "60s", "--specs-dir", specsDir], { cwd: dir })),
  );
  results.forEach((r, i) => expect(r.code, `${label}: ${others[i]?.args.join(" ")}: ${r.stdout}${r.stderr}`).toBe(0));

  // A live holder has the lock when the stopped writer resumes.
  const lockDir = join(specsDir, ".locks", `${id}.lock`);
  mkdirSync(lockDir);
  process.kill(victim.pid, "SIGCONT");
  const resumed = await victim.done;
  const lockKept = existsSync(lockDir);
  rmdirSync(lockDir);

  const copies = FOLDERS.filter((f) => existsSync(join(specsDir, f, `${id}.json`)));
  expect(copies.length, `${label}: ${copies.join(", ")}`).toBe(1);
  const doc = JSON.parse(readFileSync(join(specsDir, copies[0] as string, `${id}.json`), "utf8")) as Record<string, any>;
  const titles = (doc.journal as { title: string }[]).map((e) => e.title);
  const lost = others.filter((o, i) => results[i]?.code === 0 && o.title !== undefined && !titles.includes(o.title)).length;
  const movedTo = others.some((o) => o.args[0] === "move-spec") ? "pending" : "active";
  expect(copies[0], label).toBe(movedTo);
  const history = readFileSync(join(specsDir, ".history", `${id}.jsonl`), "utf8")
    .trim()
    .split("\n");
  expect(history.length, label).toBe(results.filter((r) => r.code === 0).length);
  expect(
    readdirSync(join(specsDir, ".locks")).filter((f) => f.endsWith(".lock")),
    label,
  ).toEqual([]);

  expect(resumed.code, `${label}: ${resumed.stdout}${resumed.stderr}`).toBe(3);
  expect(JSON.parse(resumed.stdout)).toMatchObject({ ok: false, exit_code: 3 });
  expect(JSON.parse(resumed.stdout).error.code).toMatch(/^(lock-lost|spec-changed)$/);
  return {
    successes: results.filter((r) => r.code === 0).length,
    lost,
    duplicates: copies.length - 1,
    resumedExit3: resumed.code === 3 ? 1 : 0,
    resumedWrote: titles.includes(victimTitle) ? 1 : 0,
    lockKept: lockKept ? 1 : 0,
  };
}

it(
  `a writer frozen inside its lock and resumed after a takeover writes nothing and exits 3 (${TRIALS} trials)`,
  async () => {
    const stats: TrialStats[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        while (next < TRIALS) stats.push(await trial(next++));
      }),
    );
    const sum = (k: keyof TrialStats): number => stats.reduce((n, s) => n + s[k], 0);
    console.log(
      `fencing: ${stats.length} trials, ${sum("successes")} successful writes by the writers that took over, ${sum("lost")} lost, ` +
        `${sum("duplicates")} duplicate ids; resumed writer exit 3 in ${sum("resumedExit3")}, wrote in ${sum("resumedWrote")}; ` +
        `live holder's lock kept in ${sum("lockKept")}`,
    );
    expect(sum("lost")).toBe(0);
    expect(sum("duplicates")).toBe(0);
    expect(sum("resumedWrote")).toBe(0);
    expect(sum("resumedExit3")).toBe(TRIALS);
    expect(sum("lockKept")).toBe(TRIALS);
  },
  60_000 + TRIALS * 30_000,
);
