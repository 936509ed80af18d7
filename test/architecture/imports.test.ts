/**
 * The source tree's shape: no import cycles between modules, and each layer imports only the
 * layers below it. eslint checks single imports; this checks the whole graph, which a rule on
 * one file cannot see.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "generated") return [];
    return statSync(path).isDirectory() ? walk(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Value imports (static and dynamic) of one module, as paths relative to src/. Type-only imports vanish at run time. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+"(\.[^"]+)"|import\(\s*"(\.[^"]+)"\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2];
    if (spec === undefined) continue;
    out.push(relative(src, resolve(dirname(file), spec)).replace(/\.js$/, ".ts"));
  }
  return out;
}

const graph = new Map(walk(src).map((f) => [relative(src, f), importsOf(f)]));

function findCycle(nodes: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === "done") return undefined;
    if (state.get(n) === "open") return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, "open");
    stack.push(n);
    for (const m of nodes.get(n) ?? []) {
      const c = visit(m);
      if (c !== undefined) return c;
    }
    stack.pop();
    state.set(n, "done");
    return undefined;
  };
  for (const n of nodes.keys()) {
    const c = visit(n);
    if (c !== undefined) return c;
  }
  return undefined;
}

/** A module's layer: its folder under src/core, its top-level folder, or a top-level module itself. */
function layerOf(path: string): string {
  const parts = path.split("/");
  if (parts[0] === "core") return parts.length === 2 ? "core/base" : `core/${parts[1]}`;
  return parts.length === 1 ? path.replace(/\.ts$/, "") : (parts[0] ?? path);
}

const PURE = ["core/base", "core/json", "core/schema", "core/spec", "core/mutations"];
const STORE = [...PURE, "core/store"];
// What each layer may import (besides itself).
const ALLOWED: Record<string, string[]> = {
  "core/base": ["core/base"],
  "core/json": ["core/base"],
  "core/schema": ["core/base", "generated"],
  "core/spec": ["core/base", "core/json", "core/schema"],
  "core/mutations": PURE,
  "core/store": PURE,
  "core/validate": STORE,
  "core/journaling": [...STORE, "core/validate"],
  "core/worklog": [...STORE, "core/validate"],
  "core/ci": [...STORE, "core/validate", "core/journaling", "core/worklog", "core/claims"],
  "core/merge": STORE,
  "core/init": [...STORE, "core/worklog"],
  // doctor checks what init set up (the hook and merge driver) and the work-item folder.
  "core/doctor": [...STORE, "core/validate", "core/init", "core/worklog"],
  "core/claims": STORE,
  "core/reports": [...STORE, "core/claims"],
  // The MCP server runs the commands through the CLI it is handed, never by importing it.
  mcp: [
    ...STORE,
    "core/validate",
    "core/journaling",
    "core/worklog",
    "core/ci",
    "core/merge",
    "core/init",
    "core/doctor",
    "core/claims",
    "ui",
    "version",
  ],
};

describe("the source tree", () => {
  it("has no import cycle between modules", () => {
    expect(findCycle(graph)).toBeUndefined();
  });

  it("has each core layer (and the MCP server) import only the layers below it", () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      const allowed = ALLOWED[layerOf(file)];
      if (allowed === undefined) continue;
      for (const target of imports) {
        const layer = layerOf(target);
        if (layer !== layerOf(file) && !allowed.includes(layer)) wrong.push(`${file} -> ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("has no cycle between folders", () => {
    const folders = new Map<string, string[]>();
    for (const [file, imports] of graph) {
      const from = layerOf(file);
      const list = folders.get(from) ?? [];
      for (const t of imports) if (layerOf(t) !== from) list.push(layerOf(t));
      folders.set(from, list);
    }
    expect(findCycle(folders)).toBeUndefined();
  });

  it("sees every module (the scan is not vacuous)", () => {
    expect(graph.size).toBeGreaterThan(60);
    expect(graph.get("core/store/transaction.ts")).toContain("core/store/lock.ts");
  });
});
