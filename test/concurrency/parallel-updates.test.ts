/**
 * Many writers on one spec, with real processes and no mocks: 16 drivers each
 * run 25 `sdd` commands one after another against the same spec. Every update that reports
 * success must be in the file afterwards, the file must stay valid, and nothing may be left
 * behind.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { readHistory, listBackups } from "../../src/core/store/history.js";
import { BIN, runCli, specsTree, type NodeInit, pendingNode } from "../helpers.js";

const ID = "load-2026-01-01-001";
const WORKERS = 16;
const UPDATES = 25;

/** spec-root → phase-1..16, each with task-P-1..25: one phase per worker, one task per update. */
function loadSpec(): Record<string, any> {
  const h: Record<string, NodeInit> = {
    "spec-root": pendingNode({ type: "spec", title: "Load", parent: null, total_tasks: WORKERS * UPDATES }),
  };
  for (let p = 1; p <= WORKERS; p++) {
    const phase = pendingNode({ type: "phase", title: `Phase ${p}`, parent: "spec-root", total_tasks: UPDATES });
    h["spec-root"]!.children!.push(`phase-${p}`);
    h[`phase-${p}`] = phase;
    for (let t = 1; t <= UPDATES; t++) {
      phase.children!.push(`task-${p}-${t}`);
      h[`task-${p}-${t}`] = pendingNode({ type: "task", title: `Task ${p}.${t}`, parent: `phase-${p}` });
    }
  }
  return {
    spec_id: ID,
    title: "Load",
    generated: "2026-01-01T00:00:00Z",
    last_updated: "2026-01-01T00:00:00Z",
    metadata: { title: "Load", status: "active" },
    hierarchy: h,
    journal: [],
  };
}

/**
 * One worker: 25 commands in sequence, each through the real binary; writes what each
 * command reported. Update i of worker w targets task-w-(i+1), or adds the journal entry
 * "w<w>-u<i>" (every third update).
 */
const DRIVER = `
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
const [bin, cwd, worker, count, out] = process.argv.slice(2);
const results = [];
for (let i = 0; i < Number(count); i++) {
  const args =
    i % 3 === 2
      ? ["add-journal", ${JSON.stringify(ID)}, "--title", "w" + worker + "-u" + i, "--content", "parallel"]
      : ["update-status", ${JSON.stringify(ID)}, "task-" + worker + "-" + (i + 1), i % 3 === 0 ? "completed" : "in_progress"];
  let code = 0;
  let stdout = "";
  let stderr = "";
  try {
    stdout = execFileSync(process.execPath, [bin, ...args, "--json", "--lock-timeout", "60s"], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", CI: "true" },
    });
  } catch (err) {
    code = err.status ?? -1;
    stdout = String(err.stdout ?? "");
    stderr = String(err.stderr ?? "").slice(0, 500);
  }
  let ok = false;
  try {
    ok = code === 0 && JSON.parse(stdout).ok === true;
  } catch {}
  results.push(ok ? { args, code, ok } : { args, code, ok, stdout, stderr });
}
writeFileSync(out, JSON.stringify(results));
`;

interface Outcome {
  args: string[];
  code: number;
  ok: boolean;
  stdout?: string;
  stderr?: string;
}

function runDriver(driver: string, cwd: string, worker: number, out: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [driver, BIN, cwd, String(worker), String(UPDATES), out], { stdio: "ignore" });
    child.on("error", reject);
    child.on("close", resolve);
  });
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? [d.name + "/", ...walk(join(dir, d.name))] : [d.name],
  );
}

it("16 processes × 25 updates: every reported success is in the file, which stays valid", async () => {
  const dir = specsTree([{ spec: loadSpec() }]);
  const specsDir = join(dir, "specs");
  const file = join(specsDir, "active", `${ID}.json`);
  const driver = join(dir, "driver.mjs");
  writeFileSync(driver, DRIVER);

  const started = Date.now();
  const codes = await Promise.all(Array.from({ length: WORKERS }, (_, w) => runDriver(driver, dir, w + 1, join(dir, `out-${w + 1}.json`))));
  const seconds = (Date.now() - started) / 1000;
  expect(codes.every((c) => c === 0)).toBe(true);

  const outcomes = Array.from({ length: WORKERS }, (_, w) => JSON.parse(readFileSync(join(dir, `out-${w + 1}.json`), "utf8")) as Outcome[]);
  const all = outcomes.flat();
  expect(all).toHaveLength(WORKERS * UPDATES);
  const succeeded = all.filter((o) => o.ok);
  // The only acceptable failure is a lock wait that timed out (exit 3); with 60 s there should be none.
  const failed = all.filter((o) => !o.ok);
  expect(
    failed.filter((o) => o.code !== 3),
    JSON.stringify(failed.slice(0, 3)),
  ).toEqual([]);

  // The file parses, and every reported success is in it.
  const doc = JSON.parse(readFileSync(file, "utf8")) as Record<string, any>;
  const titles = new Set((doc.journal as { title: string }[]).map((e) => e.title));
  let statusUpdates = 0;
  let journalEntries = 0;
  for (const o of succeeded) {
    if (o.args[0] === "update-status") {
      statusUpdates++;
      expect(doc.hierarchy[o.args[2]!].status, o.args.join(" ")).toBe(o.args[3]);
    } else {
      journalEntries++;
      expect(titles.has(o.args[3]!), o.args.join(" ")).toBe(true);
    }
  }
  // Nothing that failed slipped in either, and no entry is doubled.
  expect(doc.journal).toHaveLength(journalEntries);
  const completed = succeeded.filter((o) => o.args[0] === "update-status" && o.args[3] === "completed").length;
  expect(doc.hierarchy["spec-root"].completed_tasks).toBe(completed);

  // One history entry per successful write, numbered without gaps or repeats: the lock
  // let exactly one writer at a time through.
  const history = readHistory(specsDir, ID);
  expect(history.map((e) => e.seq)).toEqual(succeeded.map((_, i) => i + 1));
  expect(listBackups(specsDir, ID).length).toBe(10);

  const v = await runCli(["validate", ID], { cwd: dir });
  expect(v.code, v.stdout + v.stderr).toBe(0);

  const leftovers = walk(specsDir).filter((p) => p.endsWith(".sdd-tmp") || p.endsWith(".lock/") || p.endsWith(".lock"));
  expect(leftovers).toEqual([]);

  console.log(
    `parallel-updates: ${succeeded.length}/${all.length} succeeded (${statusUpdates} update-status, ${journalEntries} add-journal), ` +
      `${all.length - succeeded.length} lock timeouts, ${seconds.toFixed(1)} s`,
  );
}, 240_000);
