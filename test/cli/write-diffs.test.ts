/**
 * What a write changes in the file, on every spec of the sample corpus, in its own
 * formatting and after prettier: the diff of each command holds exactly the changed
 * values, the ancestors' counts and statuses, last_updated and the new metadata or journal
 * lines, and a prettier-formatted spec still passes `prettier --check`.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { JsonSource } from "../../src/core/json/source.js";
import { CORPUS_SPECS, oneJson, runCli, tempTree } from "../helpers.js";

const NOW = "2026-12-01T10:00:00.000Z";
const WORK = new Set(["task", "subtask", "verify"]);

function corpusSpecs(): { folder: string; name: string }[] {
  if (!existsSync(CORPUS_SPECS)) return [];
  return ["pending", "active", "completed", "archived"].flatMap((folder) => {
    const dir = join(CORPUS_SPECS, folder);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((n) => n.endsWith(".json") && !n.startsWith("."))
      .map((name) => ({ folder, name }));
  });
}

/** The 1-based numbers of the lines a `git diff` shows as removed (old text) and added (new text). */
function changedLineNumbers(oldFile: string, newFile: string): { removed: number[]; added: number[] } {
  const r = spawnSync("git", ["diff", "--no-index", "--unified=0", "--no-color", oldFile, newFile], { encoding: "utf8" });
  const removed: number[] = [];
  const added: number[] = [];
  for (const m of r.stdout.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)) {
    const [a, an, b, bn] = [Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
    for (let i = 0; i < an; i++) removed.push(a + i);
    for (let i = 0; i < bn; i++) added.push(b + i);
  }
  return { removed, added };
}

/** The JSON pointers of the members and items that start on each line of `text`. */
function pointersByLine(text: string): Map<number, string[]> {
  const source = new JsonSource(text, "x");
  const { keyOffsets, valueOffsets } = source.sourceIndex;
  const out = new Map<number, string[]>();
  for (const [pointer, offset] of valueOffsets) {
    const line = source.position(keyOffsets.get(pointer) ?? offset).line;
    const list = out.get(line);
    if (list === undefined) out.set(line, [pointer]);
    else list.push(pointer);
  }
  return out;
}

/** The node and every node above it (by the children lists). */
function ancestorsOf(h: Record<string, any>, id: string): Set<string> {
  const out = new Set<string>([id]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, n] of Object.entries(h)) {
      if (out.has(pid) || !Array.isArray(n.children)) continue;
      if (n.children.some((c: string) => out.has(c))) {
        out.add(pid);
        grew = true;
      }
    }
  }
  return out;
}

const ROLLED_UP = /^(status|total_tasks|completed_tasks|metadata|metadata\/(completed_at|needs_journaling|journaled_at))$/;

/** Why an operation of the patch is more than the command asked for, or undefined when it is not. */
function unexpectedOp(path: string, target: string, ancestors: Set<string>): string | undefined {
  if (path === "/last_updated" || path === "/metadata/progress_percentage" || path === "/journal" || path.startsWith("/journal/"))
    return undefined;
  const m = /^\/hierarchy\/([^/]+)\/(.*)$/.exec(path);
  if (m === null) return `${path} is outside the hierarchy`;
  const [, id, rest] = m as unknown as [string, string, string];
  if (id === target && /^(status|total_tasks|completed_tasks|metadata(\/.*)?)$/.test(rest)) return undefined;
  if (id !== target && ancestors.has(id) && ROLLED_UP.test(rest)) return undefined;
  return `${path} is not the task's value nor an ancestor's roll-up`;
}

/** The first leaf of a work type, else the first leaf. */
function targetOf(doc: Record<string, any>): string {
  const h = doc.hierarchy as Record<string, any>;
  const leaves = Object.keys(h).filter((id) => id !== "spec-root" && (h[id].children ?? []).length === 0);
  return leaves.find((id) => WORK.has(h[id].type)) ?? (leaves[0] as string);
}

const specs = corpusSpecs();

describe.skipIf(specs.length === 0)("the diff of a write on the sample corpus", () => {
  const formats = ["own formatting", "prettier"] as const;
  const cases = specs.flatMap((s) => formats.map((f) => [`${s.folder}/${s.name}`, f, s] as const));

  it.each(cases)("%s (%s)", async (_name, format, spec) => {
    const dir = tempTree();
    const specsDir = join(dir, "specs");
    // In active/, whatever its folder in the corpus: reopening a task of a spec in completed/
    // is refused (a spec there may not hold open work), and the diff is the same wherever it sits.
    const file = join(specsDir, "active", spec.name);
    mkdirSync(join(specsDir, "active"), { recursive: true });
    copyFileSync(join(CORPUS_SPECS, spec.folder, spec.name), file);
    if (format === "prettier") writeFileSync(file, await prettier.format(readFileSync(file, "utf8"), { filepath: file }));
    const id = spec.name.slice(0, -5);
    const doc = JSON.parse(readFileSync(file, "utf8")) as Record<string, any>;
    const target = targetOf(doc);
    const ancestors = ancestorsOf(doc.hierarchy, target);
    const next = doc.hierarchy[target].status === "in_progress" ? "completed" : "in_progress";
    const steps: string[][] = [
      ["update-status", id, target, next],
      ["complete-task", id, target, "--note", "done in the test"],
      ["add-journal", id, "--title", "A note", "--content", "Written by the test.", "--task-id", target],
      ["mark-blocked", id, target, "--reason", "waiting for review"],
      ["unblock-task", id, target],
    ];
    for (const step of steps) {
      const before = readFileSync(file, "utf8");
      const oldCopy = join(dir, "before.json");
      writeFileSync(oldCopy, before);
      const r = await runCli([...step, "--specs-dir", specsDir, "--json"], { cwd: dir, env: { SDD_NOW: NOW } });
      expect(r.stderr, step.join(" ")).toBe("");
      expect(r.code, `${step.join(" ")}: ${r.stdout}`).toBe(0);
      const report = oneJson(r.stdout);
      const patch = report.patch as { op: string; path: string }[];
      expect(patch.length, step.join(" ")).toBeGreaterThan(0);
      // The change itself: the task, its ancestors' roll-ups, last_updated, the journal.
      expect(
        patch.map((op) => unexpectedOp(op.path, target, ancestors)).filter((x) => x !== undefined),
        `${step.join(" ")}: ${JSON.stringify(patch)}`,
      ).toEqual([]);
      // The diff: every changed line holds only values the patch changed (or their containers).
      const after = readFileSync(file, "utf8");
      const paths = patch.map((op) => op.path);
      const related = (p: string): boolean => paths.some((q) => p === q || p.startsWith(q + "/") || q.startsWith(p + "/"));
      const { removed, added } = changedLineNumbers(oldCopy, file);
      expect(removed.length + added.length, step.join(" ")).toBeGreaterThan(0);
      const oldLines = pointersByLine(before);
      const newLines = pointersByLine(after);
      // A member before one added or removed at the end of its object gains or loses its
      // comma: the same line on the other side but for that comma.
      const oldText = before.split(/\r?\n/);
      const newText = after.split(/\r?\n/);
      const noComma = (l: string): string => l.replace(/,$/, "");
      const removedSet = new Set(removed.map((n) => noComma(oldText[n - 1] ?? "")));
      const addedSet = new Set(added.map((n) => noComma(newText[n - 1] ?? "")));
      const stray = [
        ...removed
          .filter((n) => !addedSet.has(noComma(oldText[n - 1] ?? "")))
          .flatMap((n) => (oldLines.get(n) ?? []).filter((p) => !related(p)).map((p) => `-${n} ${p}`)),
        ...added
          .filter((n) => !removedSet.has(noComma(newText[n - 1] ?? "")))
          .flatMap((n) => (newLines.get(n) ?? []).filter((p) => !related(p)).map((p) => `+${n} ${p}`)),
      ];
      expect(stray, step.join(" ")).toEqual([]);
      if (format === "prettier") expect(await prettier.check(after, { filepath: file }), step.join(" ")).toBe(true);
    }
  });
});
