/**
 * Interrupting a long read-only run: `validate` and `ci` stop at once on SIGINT (exit 130)
 * or SIGTERM (exit 143) and, with --json, print one complete JSON document saying so.
 *
 * The run is held mid-way deterministically: one spec file is a named pipe. Opening its
 * writing end waits until sdd opens it to read, which tells the test that the run is inside
 * validation when the signal is sent; the test then feeds it without end.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, makeSpec, specsTree } from "../helpers.js";

const hasMkfifo = process.platform !== "win32" && spawnSync("mkfifo", ["--help"], { stdio: "ignore" }).error === undefined;

async function interrupt(args: string[], signal: "SIGINT" | "SIGTERM"): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = specsTree([{ spec: makeSpec("a-2026-01-01-001") }, { spec: makeSpec("b-2026-01-01-001") }]);
  const fifo = join(dir, "specs", "active", "held-2026-01-01-001.json");
  const made = spawnSync("mkfifo", [fifo]);
  expect(made.status).toBe(0);
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", CI: "true" } });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  // Resolves once sdd has opened the pipe to read it: the run is inside validation.
  const writer = await open(fifo, "w");
  child.kill(signal);
  // Keep the read going, never ending: the reading thread returns to JavaScript between
  // chunks (where it can be stopped), and the file never ends, so the run cannot finish first.
  let exited = false;
  const code = closed.then((c) => ((exited = true), c));
  const chunk = Buffer.alloc(4096, 32);
  while (!exited) {
    try {
      await writer.write(chunk);
    } catch {
      break; // EPIPE: the reader is gone
    }
  }
  await writer.close().catch(() => undefined);
  return { code: await code, stdout, stderr };
}

describe.skipIf(!hasMkfifo)("a signal during a long run", () => {
  it("SIGINT during ci --json: exit 130 and one JSON document saying it was interrupted", async () => {
    const r = await interrupt(["ci", "--json"], "SIGINT");
    expect(r.code).toBe(130);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ command: "ci", ok: false, exit_code: 130, interrupted: true, error: { code: "interrupted" } });
  });

  it("SIGTERM during validate --json: exit 143, one JSON document", async () => {
    const r = await interrupt(["validate", "--json"], "SIGTERM");
    expect(r.code).toBe(143);
    expect(JSON.parse(r.stdout)).toMatchObject({ command: "validate", exit_code: 143, interrupted: true });
  });

  it("SIGINT during a text run: exit 130, a message on stderr and no stack trace", async () => {
    const r = await interrupt(["validate"], "SIGINT");
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("interrupted by SIGINT");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

/** The process state letter from /proc ("T" once stopped). */
function procState(pid: number): string | undefined {
  try {
    return /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

describe.skipIf(process.platform !== "linux")("a signal while a write waits for its lock", () => {
  it("SIGINT with --json: exit 130, one JSON document saying so, the spec unchanged", async () => {
    const id = "a-2026-01-01-001";
    const dir = specsTree([{ spec: makeSpec(id) }]);
    const file = join(dir, "specs", "active", `${id}.json`);
    const before = readFileSync(file, "utf8");
    // The writer stops itself just before taking the lock, so the signal is known to come
    // while it waits for a lock that another (live) process holds.
    const child = spawn(process.execPath, [BIN, "add-journal", id, "--title", "t", "--content", "c", "--lock-timeout", "30s", "--json"], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1", CI: "true", SDD_TEST_STOP: "before-lock" },
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    while (procState(child.pid!) !== "T") await new Promise((resolve) => setTimeout(resolve, 10));
    mkdirSync(join(dir, "specs", ".locks", `${id}.lock`), { recursive: true });
    child.kill("SIGINT");
    child.kill("SIGCONT");
    expect(await closed).toBe(130);
    expect(JSON.parse(stdout)).toMatchObject({ command: "add-journal", ok: false, exit_code: 130, interrupted: true });
    expect(readFileSync(file, "utf8")).toBe(before);
  });
});
