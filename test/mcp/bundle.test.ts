/**
 * Only `sdd mcp` loads the MCP SDK: in the built bundle, nothing that another command can
 * load (statically or through a lazy import) reaches it except through the mcp command.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers.js";

const DIST = join(REPO_ROOT, "dist");
const SDK = "@modelcontextprotocol/sdk";

function imports(file: string): { static: string[]; dynamic: string[]; bare: string[] } {
  const text = readFileSync(file, "utf8");
  const local = (spec: string): string => resolve(dirname(file), spec);
  const statics = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s*(?:[^"'()]*?\sfrom\s*)?["']([^"']+)["']/g)].map((m) => m[1]!);
  const dynamics = [...text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
  const all = [...statics, ...dynamics];
  return {
    static: statics.filter((s) => s.startsWith(".")).map(local),
    dynamic: dynamics.filter((s) => s.startsWith(".")).map(local),
    bare: all.filter((s) => !s.startsWith(".")),
  };
}

/** Every module file a run starting at `entry` may load, never entering `skip`. */
function reachable(entry: string, skip: ReadonlySet<string>): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f) || skip.has(f)) continue;
    seen.add(f);
    const i = imports(f);
    todo.push(...i.static, ...i.dynamic);
  }
  return seen;
}

describe("the bundle keeps the MCP SDK to sdd mcp", () => {
  let chunks: string[];
  beforeAll(() => {
    chunks = readdirSync(join(DIST, "chunks")).map((f) => join(DIST, "chunks", f));
  });

  it("is imported only by the MCP server's chunk, which only the mcp command loads", () => {
    const users = chunks.filter((f) => imports(f).bare.some((b) => b === SDK || b.startsWith(SDK + "/")));
    expect(users.length).toBeGreaterThan(0);
    const mcpCommand = chunks.filter((f) => readFileSync(f, "utf8").includes('program.command("mcp")'));
    expect(mcpCommand).toHaveLength(1);
    // From the entry, every lazy path included, the SDK is out of reach once the mcp command is.
    const rest = reachable(join(DIST, "main.js"), new Set(mcpCommand));
    for (const u of users) expect(rest.has(u), u).toBe(false);
    // And the mcp command does reach it (the check above is not vacuous), but only when it
    // runs: registering it (for help or completion) loads none of it.
    const viaMcp = reachable(mcpCommand[0]!, new Set());
    expect(users.every((u) => viaMcp.has(u))).toBe(true);
    const registering = new Set<string>();
    const todo = [mcpCommand[0]!];
    while (todo.length > 0) {
      const f = todo.pop()!;
      if (registering.has(f)) continue;
      registering.add(f);
      todo.push(...imports(f).static);
    }
    for (const u of users) expect(registering.has(u), u).toBe(false);
  });
});
