/**
 * Exit codes come from one place: the command layer and the MCP server name them
 * (`ExitCode.*`) or derive them from what a run found (`exitCodeFor`), never write numbers,
 * so the contract's codes cannot drift apart between commands.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Code without comments and string contents (a message may well say "exit 1"). */
function codeOf(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " "))
    .replace(/\/\/[^\n]*/g, "")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, (m) => m.replace(/[^\n]/g, " "));
}

const LITERAL_EXIT = [
  // exitCode: 1, exit_code === 2, exitCode = 0
  /\bexit_?code\s*(?::|=|[!=]==?)\s*\d/i,
  // missing > 0 ? 2 : ... (a number chosen by a condition)
  /\?\s*\d+\s*:/,
  // return 3; (a function computing a code by hand)
  /\breturn\s+\d+\s*;/,
];

function literalExitCodes(text: string): string[] {
  return codeOf(text)
    .split("\n")
    .flatMap((line, i) => (LITERAL_EXIT.some((re) => re.test(line)) ? [`${i + 1}: ${line.trim()}`] : []));
}

describe("exit codes", () => {
  it("are never written as numbers in src/commands or src/mcp", () => {
    const files = [...walk(join(src, "commands")), ...walk(join(src, "mcp"))];
    expect(files.length).toBeGreaterThan(40);
    const found = files.flatMap((f) => literalExitCodes(readFileSync(f, "utf8")).map((l) => `${relative(src, f)}:${l}`));
    expect(found).toEqual([]);
  });

  it("the scan catches the ways a literal code is written (it is not vacuous)", () => {
    expect(literalExitCodes("const exitCode = missing > 0 ? 2 : unreadable > 0 ? 4 : 0;")).toHaveLength(1);
    expect(literalExitCodes("ctx.report({ exitCode: 1, payload })")).toHaveLength(1);
    expect(literalExitCodes("  exit_code: broken.length > 0 ? 4 : 0,")).toHaveLength(1);
    expect(literalExitCodes('if (outcome === "held") return 3;')).toHaveLength(1);
    expect(literalExitCodes("if (err.exitCode === 2) retry();")).toHaveLength(1);
    // Named codes, and numbers inside messages or comments, are fine.
    expect(literalExitCodes("exitCode: exitCodeFor({ unmet: r.count === 0 }), // exit 1 when none")).toEqual([]);
    expect(literalExitCodes('throw new UsageError("exit 2: give --phase or --task ? 1 : 0");')).toEqual([]);
  });
});
