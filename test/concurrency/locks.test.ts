/**
 * The spec lock against real processes: a dead holder's lock is taken over in
 * bounded time, a live holder's lock is never taken over and waiting for it times out with
 * exit 3, sdd and a process using proper-lockfile exclude each other both ways, and a failed
 * compare-and-swap changes nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, makeSpec, oneJson, runCli, specsTree } from "../helpers.js";

const ID = "demo-2026-01-01-001";
const LOCKFILE = pathToFileURL(createRequire(import.meta.url).resolve("proper-lockfile")).href;

/** Holds `<specs>/.locks/<id>` with proper-lockfile (the on-disk protocol sdd keeps: a writer using it and sdd exclude each other), prints "locked", then sleeps until killed. */
const HOLDER = `
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import lockfile from ${JSON.stringify(LOCKFILE)};
mkdirSync(dirname(process.argv[2]), { recursive: true });
await lockfile.lock(process.argv[2], { realpath: false, stale: 5000, update: 1000 });
process.stdout.write("locked\\n");
setInterval(() => {}, 1 << 30);
`;

const holders: ChildProcess[] = [];
afterEach(() => {
  for (const h of holders.splice(0)) h.kill("SIGKILL");
});

function tree(): { dir: string; specsDir: string; file: string } {
  const dir = specsTree([{ spec: makeSpec(ID) }]);
  const specsDir = join(dir, "specs");
  return { dir, specsDir, file: join(specsDir, "active", `${ID}.json`) };
}

/** Start a process holding the spec's lock; resolves once it holds it. */
function holdLock(dir: string, specsDir: string): Promise<ChildProcess> {
  const script = join(dir, "holder.mjs");
  writeFileSync(script, HOLDER);
  const child = spawn(process.execPath, [script, join(specsDir, ".locks", ID)], { stdio: ["ignore", "pipe", "inherit"] });
  holders.push(child);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`the lock holder exited (${code})`)));
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (d.includes("locked")) resolve(child);
    });
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

describe("the spec lock", () => {
  it("a lock whose holder was killed is taken over within the stale time plus a margin", async () => {
    const { dir, specsDir, file } = tree();
    await killed(await holdLock(dir, specsDir));
    const started = Date.now();
    const r = await runCli(["update-status", ID, "task-1-1", "in_progress", "--json"], { cwd: dir });
    const took = Date.now() - started;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(oneJson(r.stdout)).toMatchObject({ ok: true, changed: true });
    expect(JSON.parse(readFileSync(file, "utf8")).hierarchy["task-1-1"].status).toBe("in_progress");
    // Behavioural bounds: the dead holder's lock was fresh, so it is respected until it goes
    // stale (5 s after its last refresh), and taken over well within the 10 s default wait.
    expect(took).toBeGreaterThan(3_000);
    expect(took).toBeLessThan(12_000);
  }, 30_000);

  it("a lock held by a live process makes --lock-timeout 500ms fail with exit 3, naming the spec", async () => {
    const { dir, specsDir, file } = tree();
    await holdLock(dir, specsDir);
    const before = readFileSync(file);

    let started = Date.now();
    const text = await runCli(["update-status", ID, "task-1-1", "completed", "--lock-timeout", "500ms"], { cwd: dir });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(text.code).toBe(3);
    expect(text.stderr).toMatch(/^error: /);
    expect(text.stderr).toContain(ID);
    expect(text.stderr).toContain("locked");
    expect(text.stderr).not.toMatch(/\n\s+at /);

    started = Date.now();
    const json = await runCli(["complete-task", ID, "task-1-1", "--lock-timeout", "500ms", "--json"], { cwd: dir });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(json.code).toBe(3);
    const doc = oneJson(json.stdout);
    expect(doc).toMatchObject({ ok: false, exit_code: 3, error: { code: "lock-timeout" } });
    expect(doc.error.message).toContain(ID);

    expect(readFileSync(file).equals(before)).toBe(true);
  }, 30_000);

  it("a live holder's lock is never taken over, even past the stale time", async () => {
    const { dir, specsDir, file } = tree();
    await holdLock(dir, specsDir);
    const before = readFileSync(file);
    const started = Date.now();
    const r = await runCli(["add-journal", ID, "--title", "t", "--content", "c", "--lock-timeout", "7s"], { cwd: dir });
    const took = Date.now() - started;
    expect(r.code, r.stderr).toBe(3);
    expect(took).toBeGreaterThanOrEqual(6_500);
    expect(readFileSync(file).equals(before)).toBe(true);
  }, 30_000);

  it("a process using proper-lockfile finds the lock sdd holds taken (the two exclude each other both ways)", async () => {
    const { dir, specsDir, file } = tree();
    // sdd stops itself right after taking the lock, so it holds it for as long as this test needs.
    const child = spawn(process.execPath, [BIN, "add-journal", ID, "--title", "t", "--content", "c", "--specs-dir", specsDir], {
      cwd: dir,
      env: { ...process.env, SDD_TEST_STOP: "after-lock" },
      stdio: "ignore",
    });
    holders.push(child);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    while (!/\) T/.test(readFileSync(`/proc/${child.pid}/stat`, "utf8"))) await new Promise((r) => setTimeout(r, 10));
    const lockfile = createRequire(import.meta.url)("proper-lockfile") as {
      lock(path: string, o: object): Promise<() => Promise<void>>;
    };
    await expect(lockfile.lock(join(specsDir, ".locks", ID), { realpath: false, stale: 5000, retries: 0 })).rejects.toMatchObject({
      code: "ELOCKED",
    });
    child.kill("SIGCONT");
    expect(await exited).toBe(0);
    expect(readFileSync(file, "utf8")).toContain('"t"');
  }, 30_000);

  it("a --from mismatch is exit 3 and changes nothing", async () => {
    const { dir, file } = tree();
    const before = readFileSync(file);
    const r = await runCli(["update-status", ID, "task-1-1", "completed", "--from", "in_progress", "--json"], { cwd: dir });
    expect(r.code).toBe(3);
    expect(oneJson(r.stdout)).toMatchObject({ ok: false, exit_code: 3, error: { code: "precondition-failed" } });
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
