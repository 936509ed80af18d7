/** Shared test helpers: temp trees built in-test, spec builders, and running the real binary. */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = join(REPO_ROOT, "bin", "sdd.js");
export const CORPUS = resolve(REPO_ROOT, "..", "shared", "corpus", "airis-sample");
export const CORPUS_SPECS = join(CORPUS, "meta", "sdd", "specs");

const made: string[] = [];
afterEach(() => {
  while (made.length > 0) rmSync(made.pop() as string, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the test. `files` maps relative paths to contents. */
export function tempTree(files: Record<string, string | Buffer | object> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "sdd-test-"));
  made.push(dir);
  writeTree(dir, files);
  return dir;
}

export function writeTree(dir: string, files: Record<string, string | Buffer | object>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === "string" || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2));
  }
}

export interface NodeInit {
  type?: string;
  title?: string;
  status?: string;
  parent?: string | null;
  children?: string[];
  total_tasks?: number;
  completed_tasks?: number;
  metadata?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A pending node without children that counts one task; `over` sets the rest (type, title, parent, ...). */
export function pendingNode(over: NodeInit): NodeInit {
  return { status: "pending", children: [], total_tasks: 1, completed_tasks: 0, metadata: {}, ...over };
}

/**
 * A valid spec: spec-root -> phase-1 -> task-1-1, task-1-2 (pending) and verify-1-1, with
 * roll-ups right. `edit` may change it before it is returned.
 */
export function makeSpec(id = "demo-2026-01-01-001", edit?: (spec: Record<string, any>) => void): Record<string, any> {
  const node = (over: NodeInit): NodeInit => ({
    title: "Untitled",
    status: "pending",
    children: [],
    total_tasks: 1,
    completed_tasks: 0,
    metadata: {},
    ...over,
  });
  const spec: Record<string, any> = {
    spec_id: id,
    title: "Demo",
    generated: "2026-01-01T00:00:00Z",
    last_updated: "2026-01-01T00:00:00Z",
    metadata: { title: "Demo", status: "active" },
    hierarchy: {
      "spec-root": node({ type: "spec", title: "Demo", parent: null, children: ["phase-1"], total_tasks: 3 }),
      "phase-1": node({
        type: "phase",
        title: "Build",
        parent: "spec-root",
        children: ["task-1-1", "task-1-2", "verify-1-1"],
        total_tasks: 3,
      }),
      "task-1-1": node({ type: "task", title: "First", parent: "phase-1", dependencies: { blocks: [], blocked_by: [], depends: [] } }),
      "task-1-2": node({ type: "task", title: "Second", parent: "phase-1" }),
      "verify-1-1": node({
        type: "verify",
        title: "Check",
        parent: "phase-1",
        metadata: { verification_type: "auto", command: "true", expected: "ok" },
      }),
    },
    journal: [],
  };
  edit?.(spec);
  return spec;
}

/** A specs tree `<dir>/specs/<folder>/<id>.json` holding the given specs. */
export function specsTree(specs: { folder?: string; spec: Record<string, any>; name?: string; raw?: string }[]): string {
  const files: Record<string, string> = {};
  for (const s of specs) {
    const name = s.name ?? `${String(s.spec.spec_id)}.json`;
    files[`specs/${s.folder ?? "active"}/${name}`] = s.raw ?? JSON.stringify(s.spec, null, 2);
  }
  return tempTree(files);
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI as a user would, with colour off and CI set (never a prompt). */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, NO_COLOR: "1", CI: "true", GITHUB_STEP_SUMMARY: "", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** Parse stdout as exactly one JSON document (fails the test otherwise). */
export function oneJson(stdout: string): Record<string, any> {
  return JSON.parse(stdout) as Record<string, any>;
}

/**
 * A valid spec of `phases` phases of 100 pending tasks, each task carrying `detailBytes` of
 * metadata: large enough that reading, checking and writing it take a measurable time.
 */
export function bigSpec(id: string, o: { title: string; phases: number; detailBytes: number }): Record<string, any> {
  const h: Record<string, NodeInit> = {
    "spec-root": pendingNode({ type: "spec", title: o.title, parent: null, total_tasks: o.phases * 100 }),
  };
  for (let p = 1; p <= o.phases; p++) {
    h["spec-root"]!.children!.push(`phase-${p}`);
    h[`phase-${p}`] = pendingNode({ type: "phase", title: `Phase ${p}`, parent: "spec-root", total_tasks: 100 });
    for (let t = 1; t <= 100; t++) {
      h[`phase-${p}`]!.children!.push(`task-${p}-${t}`);
      h[`task-${p}-${t}`] = pendingNode({
        type: "task",
        title: `Task ${p}.${t}`,
        parent: `phase-${p}`,
        metadata: { details: "d".repeat(o.detailBytes) },
      });
    }
  }
  return {
    spec_id: id,
    title: o.title,
    generated: "2026-01-01T00:00:00Z",
    last_updated: "2026-01-01T00:00:00Z",
    metadata: { title: o.title, status: "active" },
    hierarchy: h,
    journal: [],
  };
}
