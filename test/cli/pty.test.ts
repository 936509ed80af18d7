/**
 * The real prompts on a real terminal: `update-status` with no arguments, run in
 * a pseudo-terminal made by util-linux `script`, shows inquirer's prompts and applies the
 * answers typed into it.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, makeSpec, specsTree } from "../helpers.js";

const ID = "demo-2026-01-01-001";
const ENTER = "\r";
const DOWN = "\u001b[B";

/** `script` from util-linux: `-e` returns the child's exit code, `-c` runs a command. */
function scriptWorks(): boolean {
  const r = spawnSync("script", ["-qfec", "true", "/dev/null"], { stdio: "ignore", timeout: 10_000 });
  return r.error === undefined && r.status === 0;
}
const hasScript = process.platform === "linux" && scriptWorks();
const skipped = hasScript ? "" : " (skipped: util-linux `script`, which provides the pseudo-terminal, is not available)";

const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

describe("update-status in a pseudo-terminal", () => {
  it.skipIf(!hasScript)(`prompts for spec, task and status and applies the answers${skipped}`, async () => {
    const dir = specsTree([{ spec: makeSpec(ID) }]);
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", TERM: "xterm" };
    delete env.CI;
    delete env.GITHUB_ACTIONS;
    const cmd = [process.execPath, BIN, "update-status", "--specs-dir", join(dir, "specs")].map(quote).join(" ");
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], { cwd: dir, env, stdio: ["pipe", "pipe", "pipe"] });

    let screen = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (screen += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (screen += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

    /** Wait until the prompt titled `message` has been drawn in full (its key hint ends it). */
    async function waitForPrompt(message: string): Promise<void> {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const at = screen.lastIndexOf(`? ${message}`);
        if (at !== -1 && screen.indexOf("select", at) !== -1) break;
        if (Date.now() > deadline) throw new Error(`prompt "${message}" never appeared; the terminal showed:\n${screen}`);
        await sleep(50);
      }
      // inquirer switches the terminal to raw mode around the first render.
      await sleep(300);
    }
    async function type(keys: string): Promise<void> {
      child.stdin.write(keys);
      await sleep(150);
    }

    try {
      await waitForPrompt("Spec");
      await type(ENTER); // the only spec
      await waitForPrompt("Task");
      await type(DOWN); // task-1-2
      await type(ENTER);
      await waitForPrompt("New status");
      await type(DOWN); // pending -> in_progress
      await type(DOWN); // -> completed
      await type(ENTER);
      const code = await Promise.race([exited, sleep(20_000).then(() => "timeout" as const)]);
      expect(code, screen).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }

    expect(screen).toContain("Spec");
    expect(screen).toContain(`${ID} (active)`);
    expect(screen).toContain("Task");
    expect(screen).toContain("task-1-2 [pending] Second");
    expect(screen).toContain("New status");
    expect(screen).toContain(`task-1-2: pending -> completed (${ID})`);

    const spec = JSON.parse(readFileSync(join(dir, "specs", "active", `${ID}.json`), "utf8")) as Record<string, any>;
    expect(spec.hierarchy["task-1-2"].status).toBe("completed");
    expect(spec.hierarchy["task-1-1"].status).toBe("pending");
    expect(spec.hierarchy["phase-1"].completed_tasks).toBe(1);
  });
});
