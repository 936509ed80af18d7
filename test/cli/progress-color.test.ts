/**
 * A progress line on stderr while specs are validated, only where a person watches (stderr
 * a terminal, text output, not CI); FORCE_COLOR and NO_COLOR decide colour as documented.
 */
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli.js";
import type { CliIo } from "../../src/commands/_shared.js";
import { makeStyle } from "../../src/ui/style.js";
import { makeSpec, specsTree } from "../helpers.js";

async function validate(args: string[], io: Partial<CliIo>): Promise<{ code: number; stdout: string; stderr: string }> {
  const cwd = specsTree([1, 2, 3].map((n) => ({ spec: makeSpec(`s${n}-2026-01-01-001`) })));
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    cwd,
    env: {},
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdoutIsTTY: false,
    stdinIsTTY: false,
    ...io,
  });
  return { code, stdout, stderr };
}

describe("progress line", () => {
  it("is written on a terminal's stderr, rewritten in place, and cleared before the report", async () => {
    const r = await validate(["validate"], { stderrIsTTY: true });
    expect(r.code).toBe(0);
    expect(r.stderr.startsWith("\rvalidating specs 1/3\u001b[K")).toBe(true);
    expect(r.stderr.endsWith("\r\u001b[K")).toBe(true);
    expect(r.stdout).toContain("3 spec files checked");
    expect(r.stdout).not.toContain("validating");
  });

  it("is never written in CI, with --json, or when stderr is not a terminal", async () => {
    for (const [args, io] of [
      [["validate"], { stderrIsTTY: true, env: { CI: "true" } }],
      [["validate", "--json"], { stderrIsTTY: true }],
      [["ci", "--format", "github"], { stderrIsTTY: true }],
      [["validate"], { stderrIsTTY: false }],
    ] as const) {
      const r = await validate([...args], io);
      expect(r.stderr, args.join(" ")).toBe("");
    }
  });
});

describe("colour", () => {
  const red = (env: NodeJS.ProcessEnv, isTTY: boolean, disabled = false): string => makeStyle({ isTTY }, env, disabled).red("x");
  it("FORCE_COLOR colours a pipe; FORCE_COLOR=0 turns a terminal plain; NO_COLOR and --no-color always win", () => {
    expect(red({}, false)).toBe("x");
    expect(red({}, true)).toBe("\u001b[31mx\u001b[39m");
    expect(red({ FORCE_COLOR: "1" }, false)).toBe("\u001b[31mx\u001b[39m");
    expect(red({ FORCE_COLOR: "0" }, true)).toBe("x");
    expect(red({ FORCE_COLOR: "1", NO_COLOR: "1" }, true)).toBe("x");
    expect(red({ FORCE_COLOR: "1" }, true, true)).toBe("x");
  });
});
