/**
 * No prompt without a terminal: with --no-input, with CI set, or when stdin or
 * stdout is not a TTY, a missing argument is a usage error (exit 2) and nothing ever waits on
 * stdin, in-process and for the real binary.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli.js";
import { refusingPrompter, terminal } from "../fake-prompter.js";
import { BIN, makeSpec, oneJson, runCli, specsTree, tempTree, type RunResult } from "../helpers.js";

const ID = "demo-2026-01-01-001";
const specs = (): string => specsTree([{ spec: makeSpec(ID) }]);

const GATES = [
  { name: "--no-input", args: ["--no-input"], io: {} },
  { name: "CI=true", args: [], io: { env: { NO_COLOR: "1", CI: "true" } } },
  { name: "CI=1", args: [], io: { env: { NO_COLOR: "1", CI: "1" } } },
  { name: "stdin not a TTY", args: [], io: { stdinIsTTY: false } },
  { name: "stdout not a TTY", args: [], io: { stdoutIsTTY: false } },
] as const;

const MISSING = [
  { command: ["update-status"], missing: "spec" },
  { command: ["update-status", ID], missing: "task" },
  { command: ["update-status", ID, "task-1-1"], missing: "status" },
  { command: ["create"], missing: "name" },
] as const;

describe("in-process, a missing argument where no prompt may appear", () => {
  for (const gate of GATES) {
    it.each(MISSING)(`${gate.name}: $command.0 without $missing is exit 2, no prompt`, async ({ command, missing }) => {
      const dir = specs();
      const before = readFileSync(join(dir, "specs", "active", `${ID}.json`), "utf8");
      const t = terminal(dir, gate.io);
      const p = refusingPrompter();

      const code = await run([...command, ...gate.args], t.io, p);
      expect(p.asked).toEqual([]);
      expect(code).toBe(2);
      expect(t.err()).toContain(`error: missing required argument '${missing}'`);
      expect(t.err()).toContain("fix: ");
      expect(t.out()).toBe("");
      expect(readFileSync(join(dir, "specs", "active", `${ID}.json`), "utf8")).toBe(before);
    });
  }

  it("--json: one JSON document with the usage error", async () => {
    const t = terminal(specs());
    const p = refusingPrompter();
    const code = await run(["update-status", "--no-input", "--json"], t.io, p);
    expect(code).toBe(2);
    expect(p.asked).toEqual([]);
    expect(oneJson(t.out())).toMatchObject({
      command: "update-status",
      ok: false,
      exit_code: 2,
      error: { code: "usage", message: "missing required argument 'spec'" },
    });
    expect(t.err()).toBe("");
  });

  it("global --no-input before the command name works too", async () => {
    const t = terminal(specs());
    const p = refusingPrompter();
    expect(await run(["--no-input", "update-status"], t.io, p)).toBe(2);
    expect(p.asked).toEqual([]);
  });
});

/** Spawn the real binary with stdin a pipe that is never written to nor closed. */
function runWithOpenStdin(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  limitMs: number,
): Promise<RunResult & { timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, limitMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

describe("the real binary never waits on stdin", () => {
  it("in CI (CI=true, stdin empty and closed): exit 2 at once", async () => {
    const cwd = specs();
    for (const m of MISSING) {
      const started = Date.now();
      const r = await runCli([...m.command], { cwd });
      expect(r.code, `${m.command.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`missing required argument '${m.missing}'`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stdout).toBe("");
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  });

  it("with CI unset and stdin a pipe left open: still exit 2, without reading it", async () => {
    const cwd = specs();
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    delete env.CI;
    for (const command of [["update-status"], ["create"]]) {
      const r = await runWithOpenStdin(command, cwd, env, 20_000);
      expect(r.timedOut, `sdd ${command.join(" ")} waited on stdin`).toBe(false);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("missing required argument");
    }
  });

  it("--no-input with CI unset: exit 2, and --json still prints one document", async () => {
    const cwd = specs();
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    delete env.CI;
    const r = await runWithOpenStdin(["update-status", ID, "--no-input", "--json"], cwd, env, 20_000);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(oneJson(r.stdout)).toMatchObject({ ok: false, exit_code: 2, error: { message: "missing required argument 'task'" } });
  });

  it("where no specs exist yet, the missing argument is still reported as such", async () => {
    const r = await runCli(["update-status"], { cwd: tempTree() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'spec'");
  });
});
