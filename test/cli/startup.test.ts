/**
 * How bin/sdd.js starts the program: dist/sdd.cjs with V8's code cache beside it. The cache
 * is only an optimisation: a damaged or missing one never changes what a run prints, and a
 * run that finds none leaves a whole one behind, even when several runs start at once. The
 * output goes to the file descriptors directly, so a reader that goes away is no error.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  constants,
  cpSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSpec, REPO_ROOT, specsTree } from "../helpers.js";
import { VERSION } from "../../src/version.js";

const ENV: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "true" };
delete ENV.NODE_OPTIONS;
delete ENV.SDD_NO_CODE_CACHE;
delete ENV.SDD_BENCH_ESM;

let app: string;
let bin: string;
const caches = (): string[] => readdirSync(join(app, "dist")).filter((f) => f.endsWith(".cache"));
const tempFiles = (): string[] => readdirSync(join(app, "dist")).filter((f) => f.endsWith(".tmp"));

function sdd(args: string[], cwd = app): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env: ENV, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // A copy of the built program, so its cache can be damaged without touching dist/.
  app = mkdtempSync(join(tmpdir(), "sdd-startup-"));
  for (const part of ["bin", "dist", "schemas", "package.json"]) cpSync(join(REPO_ROOT, part), join(app, part), { recursive: true });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(app, "node_modules"), "dir");
  bin = join(app, "bin", "sdd.js");
});

afterAll(() => rmSync(app, { recursive: true, force: true }));

describe("the code cache", () => {
  it("is built with the program", () => {
    expect(caches()).toHaveLength(1);
  });

  it("a damaged cache changes nothing a run prints, and is replaced", () => {
    const [file] = caches();
    const path = join(app, "dist", file!);
    writeFileSync(path, Buffer.alloc(4096, 7));
    const r = sdd(["--version"]);
    expect(r).toMatchObject({ status: 0, stdout: `${VERSION}\n`, stderr: "" });
    expect(readFileSync(path).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect(tempFiles()).toEqual([]);
  });

  it("a cache with damaged bytes inside (a header V8 still accepts) is not used, and is replaced", () => {
    // V8 checks only the header: without sdd's own checksum these bytes crash the process.
    const good = join(app, "dist", caches()[0]!);
    sdd(["validate", join(REPO_ROOT, "scripts", "code-cache-spec.json")]);
    const whole = readFileSync(good);
    for (const offset of [1000, 20_000, 100_000, Math.floor(whole.length / 2)]) {
      const bad = Buffer.from(whole);
      for (let i = offset; i < offset + 64 && i < bad.length; i++) bad[i] = (bad[i] as number) ^ 0xff;
      writeFileSync(good, bad);
      const r = sdd(["validate", "--json", join(REPO_ROOT, "scripts", "code-cache-spec.json")]);
      expect(r.status, `damaged at ${offset}: ${r.stderr}`).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false });
      expect(readFileSync(good).equals(bad)).toBe(false);
    }
    expect(tempFiles()).toEqual([]);
  });

  it("runs that start together without a cache all succeed and leave one whole cache", async () => {
    for (const f of caches()) rmSync(join(app, "dist", f));
    const dir = specsTree([{ spec: makeSpec("a-2026-01-01-001") }]);
    const runs = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<{ code: number | null; stdout: string }>((resolve) => {
            const child = spawn(process.execPath, [bin, "validate", "a-2026-01-01-001", "--json"], { cwd: dir, env: ENV });
            let stdout = "";
            child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
            child.on("close", (code) => resolve({ code, stdout }));
          }),
      ),
    );
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ command: "validate", ok: true });
    }
    expect(caches()).toHaveLength(1);
    expect(tempFiles()).toEqual([]);
    // The cache left behind is one V8 accepts: the next run does not rewrite it.
    const path = join(app, "dist", caches()[0]!);
    const before = readFileSync(path);
    expect(sdd(["validate", "a-2026-01-01-001"], dir).status).toBe(0);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("the one CommonJS file and the ES modules print the same", () => {
    const dir = specsTree([{ spec: makeSpec("a-2026-01-01-001", (s) => (s.hierarchy["task-1-1"].status = "done")) }]);
    const args = [bin, "validate", "a-2026-01-01-001", "--json"];
    const bundle = spawnSync(process.execPath, args, { cwd: dir, env: ENV, encoding: "utf8" });
    const esm = spawnSync(process.execPath, args, { cwd: dir, env: { ...ENV, SDD_BENCH_ESM: "1" }, encoding: "utf8" });
    expect(bundle.status).toBe(1);
    expect(esm.status).toBe(bundle.status);
    expect(esm.stdout).toBe(bundle.stdout);
    expect(JSON.parse(bundle.stdout).findings.length).toBeGreaterThan(0);
  });
});

/** A spec with `n` tasks of an unknown status: several findings each, megabytes of --json. */
function bigTree(n: number): string {
  const spec = makeSpec("big-2026-01-01-001", (s) => {
    for (let i = 0; i < n; i++) {
      s.hierarchy[`task-x-${i}`] = { ...s.hierarchy["task-1-2"], status: "done" };
      s.hierarchy["phase-1"].children.push(`task-x-${i}`);
    }
  });
  return specsTree([{ spec }]);
}

describe("output", () => {
  it.skipIf(process.platform === "win32")("is written whole to a non-blocking pipe whose reader is slow", async () => {
    const dir = bigTree(6000);
    // A FIFO opened non-blocking: the run's stdout shares that open file, so its writes to
    // the full pipe fail with EAGAIN instead of waiting, as under a parent that made its
    // pipe non-blocking.
    const fifo = join(dir, "out.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    const child = spawn(process.execPath, [bin, "validate", "--json"], { cwd: dir, env: ENV, stdio: ["ignore", writer, "pipe"] });
    closeSync(writer);
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    let done = false;
    void exited.then(() => (done = true));
    // Read a little at a time, with pauses, so the pipe stays full for most of the run.
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(16 * 1024);
    for (;;) {
      let n: number;
      try {
        n = readSync(reader, buf, 0, buf.length, null);
      } catch (caught) {
        if ((caught as NodeJS.ErrnoException).code !== "EAGAIN") throw caught;
        n = -1;
      }
      if (n === 0) break;
      if (n > 0) chunks.push(Buffer.from(buf.subarray(0, n)));
      else if (done) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    closeSync(reader);
    const code = await exited;
    expect(stderr).toBe("");
    expect(code).toBe(1);
    const text = Buffer.concat(chunks).toString("utf8");
    expect(text.length).toBeGreaterThan(1 << 20);
    expect(JSON.parse(text)).toMatchObject({ command: "validate", ok: false });
  });

  it("with --json is still one document when the run dies without a result (a worker out of memory)", () => {
    const dir = bigTree(6000);
    // A heap too small for the worker's run: it is stopped, the main thread reports it.
    const env = { ...ENV, NODE_OPTIONS: "--max-old-space-size=8", SDD_NO_CODE_CACHE: "1" };
    const r = spawnSync(process.execPath, [bin, "validate", "--json"], { cwd: dir, env, encoding: "utf8" });
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as { ok: boolean; exit_code: number; error: { code: string; message: string } };
    expect(doc).toMatchObject({ command: "validate", ok: false, exit_code: 1, error: { code: "internal" } });
    expect(doc.error.message).toMatch(/memory/);
  });

  it.skipIf(process.platform !== "linux")("that cannot be written (a full disk) is exit 4 with a message, no stack trace", () => {
    const dir = bigTree(10);
    for (const args of [
      ["validate", "--json"],
      ["list-specs", "--json"],
    ]) {
      const full = openSync("/dev/full", "w");
      const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, env: ENV, encoding: "utf8", stdio: ["ignore", full, "pipe"] });
      closeSync(full);
      expect(r.status, args.join(" ")).toBe(4);
      expect(r.stderr).toContain("cannot write the output (ENOSPC");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("a reader that goes away early is no error", () => {
    // Far more findings than a pipe holds: the reader (head) is gone long before the end.
    const dir = bigTree(1500);
    const script = `set -o pipefail; "${process.execPath}" "${bin}" validate big-2026-01-01-001 --json | head -c 1; echo " $?"`;
    const r = spawnSync("bash", ["-c", script], { cwd: dir, env: ENV, encoding: "utf8" });
    // The run's own exit code (1: findings), no complaint about the pipe.
    expect(r.stdout).toBe("{ 1\n");
    expect(r.stderr).toBe("");
  });
});
