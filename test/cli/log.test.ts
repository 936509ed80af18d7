/**
 * `sdd log …` end to end: work items as one JSON file each,
 * created safely by concurrent processes; the markdown log rendered from them in the entry
 * grammar, byte-stable and checked for staleness (also by `sdd ci`); state derived from a
 * linked spec; `log set`/`log done` edits; lossless import of hand-written logs; and lint
 * of the JSON items and of markdown logs in place.
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import AjvModule from "ajv";
import { describe, expect, it } from "vitest";
import { CORPUS, makeSpec, oneJson, REPO_ROOT, runCli, specsTree, tempTree, writeTree, type RunResult } from "../helpers.js";

const Ajv = AjvModule.default;
const validateItem = new Ajv({ allErrors: true, strict: false }).compile(
  JSON.parse(readFileSync(join(REPO_ROOT, "schemas", "work-item.schema.json"), "utf8")) as object,
);

const ID = "shop-2026-03-01-001";
/** Pinned so dates, and so ids, are the same on every run. */
const ENV = { SDD_NOW: "2026-03-10T12:00:00Z" };
const TODAY = "2026-03-10";
const DOCS = ["docs/items/a.md", "docs/items/b.md", "docs/items/c.md"];

interface StoredItem {
  id: string;
  state: string;
  tags: string[];
  title: string;
  format?: string;
  notes?: string[];
  fields: { key: string; value: string; children?: string[] }[];
}

/**
 * The demo spec plus a second phase: spec-root -> phase-1 (task-1-1, task-1-2, verify-1-1)
 * and phase-2 (task-2-1), so the whole spec (x/4) and phase-1 (x/3) differ.
 */
function twoPhaseSpec(): Record<string, any> {
  return makeSpec(ID, (s) => {
    s.hierarchy["spec-root"].children.push("phase-2");
    s.hierarchy["spec-root"].total_tasks = 4;
    s.hierarchy["phase-2"] = {
      type: "phase",
      title: "Ship",
      status: "pending",
      parent: "spec-root",
      children: ["task-2-1"],
      total_tasks: 1,
      completed_tasks: 0,
      metadata: {},
    };
    s.hierarchy["task-2-1"] = {
      type: "task",
      title: "Release",
      status: "pending",
      parent: "phase-2",
      children: [],
      total_tasks: 1,
      completed_tasks: 0,
      metadata: {},
    };
  });
}

/** A project: `specs/active/<ID>.json` and the work-item documents the items link. */
function project(): string {
  const dir = specsTree([{ spec: twoPhaseSpec() }]);
  writeTree(dir, Object.fromEntries(DOCS.map((d) => [d, "# item\n"])));
  return dir;
}

function sdd(dir: string, ...args: string[]): Promise<RunResult> {
  return runCli(args, { cwd: dir, env: ENV });
}

/** `sdd log add` with every required field; `extra` adds or overrides flags. */
function add(dir: string, title: string, extra: string[] = []): Promise<RunResult> {
  return sdd(
    dir,
    "log",
    "add",
    "--title",
    title,
    "--tag",
    "feature",
    "--spec",
    "docs/items/a.md",
    "--owner",
    "Sam",
    "--summary",
    `Summary of ${title}`,
    ...extra,
    "--json",
  );
}

/** Add an item and return its id (fails the test unless the add succeeded). */
async function addOk(dir: string, title: string, extra: string[] = []): Promise<string> {
  const r = await add(dir, title, extra);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return oneJson(r.stdout).id as string;
}

function itemsDir(dir: string): string {
  return join(dir, "work-items");
}

function itemPath(dir: string, id: string): string {
  return join(itemsDir(dir), `${id}.json`);
}

function readItem(dir: string, id: string): StoredItem {
  return JSON.parse(readFileSync(itemPath(dir, id), "utf8")) as StoredItem;
}

/** Every work-item file name (without .json). */
function itemIds(dir: string): string[] {
  if (!existsSync(itemsDir(dir))) return [];
  return readdirSync(itemsDir(dir))
    .filter((n) => n.endsWith(".json"))
    .map((n) => n.slice(0, -5))
    .sort();
}

function logText(dir: string): string {
  return readFileSync(join(dir, "worklog.md"), "utf8");
}

/** The rendered log's `## ` sections: title → entry blocks (each a list of lines). */
function sections(text: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  let current: string[][] | undefined;
  let entry: string[] | undefined;
  for (const line of text.split("\n")) {
    const h = /^## (.+)$/.exec(line);
    if (h?.[1] !== undefined) {
      current = [];
      out.set(h[1], current);
      entry = undefined;
    } else if (line.startsWith("- [")) {
      entry = [line];
      current?.push(entry);
    } else if (line === "") entry = undefined;
    else entry?.push(line);
  }
  return out;
}

function titlesIn(blocks: string[][] | undefined): string[] {
  return (blocks ?? []).map((b) => (b[0] ?? "").replace(/^- \[[ x]\] \*\*(?:\[[^\]]+\])+\*\* /, ""));
}

describe("sdd log add", () => {
  it("writes one schema-valid JSON file per item, with a collision-free id, and --json reports the id", async () => {
    const dir = project();
    const r = await add(dir, "Show stock levels", ["--tag", "shop", "--branch", "feature/stock", "--tests", "`npm test` (3 passed)"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = oneJson(r.stdout);
    expect(doc).toMatchObject({ command: "log add", ok: true, exit_code: 0 });
    const id = doc.id as string;
    expect(id).toMatch(/^2026-03-10-show-stock-levels-[0-9a-f]{4}$/);
    expect(itemIds(dir)).toEqual([id]);
    const item = readItem(dir, id);
    expect(validateItem(item), JSON.stringify(validateItem.errors)).toBe(true);
    expect(item).toMatchObject({ id, state: "open", tags: ["FEATURE", "SHOP"], title: "Show stock levels" });
    expect(item.fields.map((f) => f.key)).toEqual(["Spec", "Owner", "Branch", "Started", "Summary", "Tests"]);
    expect(item.fields).toContainEqual({ key: "Spec", value: "`docs/items/a.md`" });
    expect(item.fields).toContainEqual({ key: "Started", value: TODAY });

    // The same title again (same Spec, same day): a new file under a different id.
    const again = await addOk(dir, "Show stock levels");
    expect(again).not.toBe(id);
    expect(itemIds(dir)).toEqual([id, again].sort());
    expect(validateItem(readItem(dir, again))).toBe(true);
    // A done item, and one with --field, are valid too.
    const done = await addOk(dir, "Ship it", ["--done", "--field", "Checks: `make check` ok"]);
    const doneItem = readItem(dir, done);
    expect(doneItem.state).toBe("done");
    expect(doneItem.fields).toContainEqual({ key: "Done", value: TODAY });
    expect(doneItem.fields.at(-1)).toEqual({ key: "Checks", value: "`make check` ok" });
    expect(validateItem(doneItem), JSON.stringify(validateItem.errors)).toBe(true);
  });

  it("missing required fields in CI: exit 2 and nothing written, in text and --json", async () => {
    const dir = project();
    const text = await sdd(dir, "log", "add", "--title", "No owner", "--spec", "docs/items/a.md", "--summary", "s");
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/--owner/);
    expect(text.stderr).not.toMatch(/\n\s+at /);
    const json = await sdd(dir, "log", "add", "--tag", "x", "--json");
    expect(json.code).toBe(2);
    expect(oneJson(json.stdout)).toMatchObject({ ok: false, exit_code: 2 });
    expect(existsSync(itemsDir(dir)) ? itemIds(dir) : []).toEqual([]);
  });

  it("two, then eight, items added at the same moment by separate processes all survive", async () => {
    const dir = project();
    for (const n of [2, 8]) {
      const titles = Array.from({ length: n }, (_, i) => `Parallel item ${n}-${i}`);
      const before = itemIds(dir).length;
      const results = await Promise.all(titles.map((t) => add(dir, t)));
      for (const r of results) expect(r.code, r.stderr + r.stdout).toBe(0);
      const ids = results.map((r) => oneJson(r.stdout).id as string);
      expect(new Set(ids).size).toBe(n);
      expect(itemIds(dir)).toHaveLength(before + n);
      const stored = itemIds(dir).map((id) => readItem(dir, id));
      for (const t of titles) expect(stored.filter((s) => s.title === t)).toHaveLength(1);
      for (const s of stored) expect(validateItem(s)).toBe(true);
    }
  });

  it("concurrent adds with the same title (two at once, then eight) all survive under distinct ids", async () => {
    const dir = project();
    let total = 0;
    for (const n of [2, 2, 8]) {
      const results = await Promise.all(Array.from({ length: n }, () => add(dir, "Same title")));
      for (const r of results) expect(r.code, r.stderr + r.stdout).toBe(0);
      const ids = results.map((r) => oneJson(r.stdout).id as string);
      expect(new Set(ids).size).toBe(n);
      total += n;
      expect(itemIds(dir)).toHaveLength(total);
      for (const id of ids) expect(readItem(dir, id)).toMatchObject({ id, title: "Same title" });
    }
  });
});

describe("sdd log render", () => {
  /** Three items: one in progress, one blocked, one done. */
  async function threeItems(dir: string): Promise<{ open: string; blocked: string; done: string }> {
    const open = await addOk(dir, "Open work", ["--tag", "shop", "--tests", "`npm test` (2 passed)", "--risks", "Low (read only)"]);
    const blocked = await addOk(dir, "Waiting on vendor", ["--spec", "docs/items/b.md", "--blocker", "vendor API key"]);
    const done = await addOk(dir, "Finished work", ["--spec", "docs/items/c.md", "--done"]);
    return { open, blocked, done };
  }

  it("writes the entry grammar in In Progress / Blocked / Done sections, byte-stable", async () => {
    const dir = project();
    await threeItems(dir);
    const r = await sdd(dir, "log", "render");
    expect(r.code, r.stderr).toBe(0);
    const first = logText(dir);
    const parts = sections(first);
    expect([...parts.keys()]).toEqual(["In Progress", "Blocked", "Done"]);
    expect(titlesIn(parts.get("In Progress"))).toEqual(["Open work"]);
    expect(titlesIn(parts.get("Blocked"))).toEqual(["Waiting on vendor"]);
    expect(titlesIn(parts.get("Done"))).toEqual(["Finished work"]);
    for (const block of [...parts.values()].flat()) {
      expect(block[0]).toMatch(/^- \[[ x]\] \*\*(?:\[[A-Z0-9-]+\])+\*\* \S.*$/);
      for (const line of block.slice(1)) expect(line).toMatch(/^ {2}- [A-Z][^:`*]*: \S.*$/);
    }
    expect(parts.get("In Progress")?.[0]).toEqual([
      "- [ ] **[FEATURE][SHOP]** Open work",
      "  - Spec: `docs/items/a.md`",
      "  - Owner: Sam",
      `  - Started: ${TODAY}`,
      "  - Summary: Summary of Open work",
      "  - Tests: `npm test` (2 passed)",
      "  - Risks: Low (read only)",
    ]);
    expect(parts.get("Blocked")?.[0]).toContain("  - Blocker: vendor API key");
    expect(parts.get("Done")?.[0]?.[0]).toBe("- [x] **[FEATURE]** Finished work");
    expect(parts.get("Done")?.[0]).toContain(`  - Done: ${TODAY}`);
    expect(first.endsWith("\n") && !first.endsWith("\n\n")).toBe(true);

    const again = await sdd(dir, "log", "render");
    expect(again.code).toBe(0);
    expect(logText(dir)).toBe(first);
    const check = await sdd(dir, "log", "render", "--check");
    expect(check.code, check.stdout).toBe(0);
    const checkJson = await sdd(dir, "log", "render", "--check", "--json");
    expect(oneJson(checkJson.stdout)).toMatchObject({ ok: true, exit_code: 0, up_to_date: true, items: 3 });
  });

  it("--check exits 1 with a diff after `log set` and after a hand edit; `sdd ci` reports log-stale", async () => {
    const dir = project();
    const { open } = await threeItems(dir);
    expect((await sdd(dir, "log", "render")).code).toBe(0);
    expect((await sdd(dir, "ci")).code).toBe(0);
    const rendered = logText(dir);

    expect((await sdd(dir, "log", "set", open, "Summary", "A better summary")).code).toBe(0);
    const stale = await sdd(dir, "log", "render", "--check");
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain("-  - Summary: Summary of Open work");
    expect(stale.stdout).toContain("+  - Summary: A better summary");
    expect(logText(dir)).toBe(rendered); // --check never writes
    const staleJson = await sdd(dir, "log", "render", "--check", "--json");
    expect(staleJson.code).toBe(1);
    const doc = oneJson(staleJson.stdout);
    expect(doc).toMatchObject({ ok: false, exit_code: 1, up_to_date: false });
    expect(doc.diff).toContain("+  - Summary: A better summary");
    const ci = await sdd(dir, "ci", "--json");
    expect(ci.code).toBe(1);
    expect((oneJson(ci.stdout).findings as { code: string; file: string }[]).filter((f) => f.code === "log-stale")).toEqual([
      expect.objectContaining({ code: "log-stale", file: "worklog.md" }),
    ]);

    // Rendering again makes it current; then a hand edit makes it stale.
    expect((await sdd(dir, "log", "render")).code).toBe(0);
    expect((await sdd(dir, "log", "render", "--check")).code).toBe(0);
    expect((await sdd(dir, "ci")).code).toBe(0);
    writeFileSync(join(dir, "worklog.md"), logText(dir).replace("  - Owner: Sam\n", "  - Owner: Someone else\n"));
    const edited = await sdd(dir, "log", "render", "--check");
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain("-  - Owner: Someone else");
    expect(edited.stdout).toContain("+  - Owner: Sam");
    const ciText = await sdd(dir, "ci");
    expect(ciText.code).toBe(1);
    expect(ciText.stdout).toMatch(/worklog\.md:1:1: .*\[log-stale\]/);
  });
});

describe("a work item linked to a spec", () => {
  function progressOf(text: string, title: string): string | undefined {
    const block = [...sections(text).values()].flat().find((b) => (b[0] ?? "").endsWith(` ${title}`));
    const at = block?.findIndex((l) => l.startsWith("  - SDD Spec: ")) ?? -1;
    return at >= 0 ? block?.[at + 1] : undefined;
  }

  it("renders Progress from the spec, or from one phase with #phase-1", async () => {
    const dir = project();
    await addOk(dir, "Whole spec", ["--sdd-spec", ID]);
    await addOk(dir, "First phase", ["--spec", "docs/items/b.md", "--sdd-spec", `${ID}#phase-1`]);
    expect((await sdd(dir, "log", "render")).code).toBe(0);
    expect(progressOf(logText(dir), "Whole spec")).toMatch(/^ {2}- Progress: 0\/4 tasks \(.+\)$/);
    expect(progressOf(logText(dir), "First phase")).toMatch(/^ {2}- Progress: 0\/3 tasks \(.+\)$/);

    expect((await sdd(dir, "complete-task", ID, "task-1-1")).code).toBe(0);
    // The log is derived from the spec, so completing a task makes it stale.
    expect((await sdd(dir, "log", "render", "--check")).code).toBe(1);
    expect((await sdd(dir, "log", "render")).code).toBe(0);
    expect(progressOf(logText(dir), "Whole spec")).toMatch(/^ {2}- Progress: 1\/4 tasks \(.+\)$/);
    expect(progressOf(logText(dir), "First phase")).toBe("  - Progress: 1/3 tasks (in_progress)");
  });

  it("`log done` is refused while the spec or node is incomplete, unless --force; allowed once its tasks are completed", async () => {
    const dir = project();
    const whole = await addOk(dir, "Whole spec", ["--sdd-spec", ID]);
    const phase = await addOk(dir, "First phase", ["--spec", "docs/items/b.md", "--sdd-spec", `${ID}#phase-1`]);
    const forced = await addOk(dir, "Forced", ["--spec", "docs/items/c.md", "--sdd-spec", ID]);

    for (const id of [whole, phase]) {
      const before = readFileSync(itemPath(dir, id), "utf8");
      const r = await sdd(dir, "log", "done", id);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/not complete/);
      expect(readFileSync(itemPath(dir, id), "utf8")).toBe(before);
      const j = await sdd(dir, "log", "done", id, "--json");
      expect(j.code).toBe(1);
      expect(oneJson(j.stdout)).toMatchObject({ ok: false, exit_code: 1 });
    }
    const f = await sdd(dir, "log", "done", forced, "--force");
    expect(f.code, f.stderr).toBe(0);
    expect(readItem(dir, forced).state).toBe("done");

    // Phase 1 complete: its item can be checked off; the whole spec's still cannot.
    for (const task of ["task-1-1", "task-1-2", "verify-1-1"]) expect((await sdd(dir, "complete-task", ID, task)).code).toBe(0);
    const p = await sdd(dir, "log", "done", phase);
    expect(p.code, p.stderr).toBe(0);
    expect(readItem(dir, phase)).toMatchObject({ state: "done" });
    expect(readItem(dir, phase).fields).toContainEqual({ key: "Done", value: TODAY });
    expect((await sdd(dir, "log", "done", whole)).code).toBe(1);

    expect((await sdd(dir, "complete-task", ID, "task-2-1")).code).toBe(0);
    const w = await sdd(dir, "log", "done", whole, "--json");
    expect(w.code, w.stdout).toBe(0);
    expect(oneJson(w.stdout)).toMatchObject({ ok: true, id: whole });
    expect(readItem(dir, whole).state).toBe("done");
    expect(validateItem(readItem(dir, whole))).toBe(true);
  });

  it("`log lint` reports log-spec-incomplete for a done item whose spec is incomplete, with file and line", async () => {
    const dir = project();
    const whole = await addOk(dir, "Whole spec", ["--sdd-spec", ID]);
    const phase = await addOk(dir, "First phase", ["--spec", "docs/items/b.md", "--sdd-spec", `${ID}#phase-1`]);
    expect((await sdd(dir, "log", "lint")).code).toBe(0);
    for (const id of [whole, phase]) expect((await sdd(dir, "log", "done", id, "--force")).code).toBe(0);

    const r = await sdd(dir, "log", "lint", "--json");
    expect(r.code).toBe(1);
    const findings = (oneJson(r.stdout).findings as { code: string; file: string; line?: number; column?: number }[]).filter(
      (x) => x.code === "log-spec-incomplete",
    );
    expect(findings.map((x) => x.file).sort()).toEqual([`work-items/${whole}.json`, `work-items/${phase}.json`].sort());
    for (const x of findings) {
      expect(x.line).toBeGreaterThan(1);
      expect(x.column).toBeGreaterThanOrEqual(1);
      // The line is the SDD Spec field of the file.
      const lines = readFileSync(join(dir, x.file), "utf8").split("\n");
      expect(lines.slice((x.line ?? 1) - 1, (x.line ?? 1) + 1).join("\n")).toContain('"SDD Spec"');
    }
    const text = await sdd(dir, "log", "lint");
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`work-items/${whole}\\.json:\\d+:\\d+: error .*\\[log-spec-incomplete\\]`));

    // Phase 1 complete: only the whole-spec item is still reported.
    for (const task of ["task-1-1", "task-1-2", "verify-1-1"]) expect((await sdd(dir, "complete-task", ID, task)).code).toBe(0);
    const after = await sdd(dir, "log", "lint", "--json");
    expect((oneJson(after.stdout).findings as { code: string; file: string }[]).filter((x) => x.code === "log-spec-incomplete")).toEqual([
      expect.objectContaining({ file: `work-items/${whole}.json` }),
    ]);
    expect((await sdd(dir, "complete-task", ID, "task-2-1")).code).toBe(0);
    const clean = await sdd(dir, "log", "lint");
    expect(clean.code, clean.stdout).toBe(0);
  });
});

describe("sdd log set", () => {
  it("updates a field in place, removes one with --unset, refuses invalid values and missing items", async () => {
    const dir = project();
    const id = await addOk(dir, "Edit me", ["--tests", "`npm test`", "--risks", "Low (docs)", "--next", "review"]);
    const keys = readItem(dir, id).fields.map((f) => f.key);
    expect(keys).toEqual(["Spec", "Owner", "Started", "Summary", "Tests", "Risks", "Next"]);

    const r = await sdd(dir, "log", "set", id, "Summary", "Rewritten summary");
    expect(r.code, r.stderr).toBe(0);
    const after = readItem(dir, id);
    expect(after.fields.map((f) => f.key)).toEqual(keys);
    expect(after.fields[3]).toEqual({ key: "Summary", value: "Rewritten summary" });
    expect(after.id).toBe(id);
    expect(validateItem(after)).toBe(true);

    const u = await sdd(dir, "log", "set", id, "Risks", "--unset", "--json");
    expect(u.code, u.stdout).toBe(0);
    expect(oneJson(u.stdout)).toMatchObject({ ok: true, id });
    expect(readItem(dir, id).fields.map((f) => f.key)).toEqual(["Spec", "Owner", "Started", "Summary", "Tests", "Next"]);

    const t = await sdd(dir, "log", "set", id, "title", "Renamed");
    expect(t.code).toBe(0);
    expect(readItem(dir, id)).toMatchObject({ id, title: "Renamed" });

    const before = readFileSync(itemPath(dir, id), "utf8");
    for (const [key, value] of [
      ["title", "two\nlines"],
      ["title", "   "],
      ["Summary", "first\nsecond"],
    ] as const) {
      const bad = await sdd(dir, "log", "set", id, key, value);
      expect(bad.code, `${key}=${JSON.stringify(value)}`).toBe(1);
      expect(bad.stderr).toMatch(/invalid/);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
      expect(readFileSync(itemPath(dir, id), "utf8")).toBe(before);
    }
    const badJson = await sdd(dir, "log", "set", id, "title", "a\nb", "--json");
    expect(oneJson(badJson.stdout)).toMatchObject({ ok: false, exit_code: 1 });

    const missing = await sdd(dir, "log", "set", "2026-01-01-no-such-item-0000", "Summary", "x");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not found/);
    const missingJson = await sdd(dir, "log", "set", "2026-01-01-no-such-item-0000", "Summary", "x", "--json");
    expect(missingJson.code).toBe(2);
    expect(oneJson(missingJson.stdout)).toMatchObject({ ok: false, exit_code: 2 });
    expect(readFileSync(itemPath(dir, id), "utf8")).toBe(before);
  });

  it("keeps the item file's own formatting: only the changed value's line differs", async () => {
    const dir = project();
    const id = await addOk(dir, "Keep my layout", ["--tests", "`npm test`"]);
    // Re-formatted by hand: 4-space indent, CRLF, inline tags, one field object per line.
    const item = readItem(dir, id) as unknown as Record<string, unknown>;
    const fields = (item.fields as { key: string; value: string }[]).map((f) => `        ${JSON.stringify(f).replace(/,/g, ", ")}`);
    const head = Object.entries(item)
      .filter(([k]) => k !== "fields")
      .map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v).replace(/","/g, '", "')}`);
    const text = `{\r\n${[...head, `    "fields": [\r\n${fields.join(",\r\n")}\r\n    ]`].join(",\r\n")}\r\n}\r\n`;
    writeFileSync(itemPath(dir, id), text);
    const r = await sdd(dir, "log", "set", id, "Summary", "Rewritten summary");
    expect(r.code, r.stderr).toBe(0);
    const out = readFileSync(itemPath(dir, id), "utf8");
    const was = text.split("\r\n");
    const now = out.split("\r\n");
    expect(now.length).toBe(was.length);
    const changed = now.filter((line, i) => line !== was[i]);
    expect(changed).toEqual(['        {"key":"Summary", "value":"Rewritten summary"},']);
  });
});

describe("sdd log import", () => {
  /** Entries as written by hand (current format, nested lines, and one older-format entry). */
  const ENTRIES: string[][] = [
    [
      "- [ ] **[BUG][CART]** Cart total ignores discounts",
      "  - Spec: `docs/items/cart-total.md`",
      "  - Owner: Alex",
      "  - Branch: `fix/cart-total`",
      "  - Started: 2026-03-02",
      "  - Summary: Apply discounts before tax.",
      "  - Tests: `npm test` (12 passed), local `make e2e`",
    ],
    [
      "- [ ] **[FEATURE]** Export orders as CSV",
      "  - Spec: `docs/items/export-csv.md`",
      "  - Owner: Kim",
      "  - Started: 2026-03-03",
      "  - Summary: Download button on the orders page.",
      "  - Validation:",
      "    - `make check` ok",
      "  - Review Notes: pairs with the billing export",
    ],
    [
      "- [x] **[DOCS]** Write the onboarding guide",
      "  - Spec: `docs/items/onboarding.md`",
      "  - Owner: Lee",
      "  - Started: 2026-02-20",
      "  - Done: 2026-02-25",
      "  - Summary: New hires set up in one day.",
      "  - Risks: Low (docs only)",
    ],
    [
      "- [x] **[SHOP-7]** Rework the checkout copy",
      "",
      "  - Shorter labels on the payment step.",
      "  - **Owner**: Lee",
      "  - **Done**: 2025-12-01",
    ],
  ];
  const [cart, csv, docs, legacy] = ENTRIES as [string[], string[], string[], string[]];
  /** The hand-written log and the 1-based line ranges of its free-form text. */
  const LOG_LINES = [
    "# Current tasks",
    "",
    "Notes about the sprint, not an entry.",
    "",
    "## In progress",
    "",
    ...cart,
    ...csv,
    "",
    "## Done",
    "",
    ...docs,
    "",
    ...legacy,
    "",
    "A trailing paragraph.",
    "- Decide on the Q2 roadmap",
    "",
  ];
  const HAND_LOG = LOG_LINES.join("\n");
  const SKIPPED = [
    { line: 3, endLine: 3, role: "text" },
    { line: LOG_LINES.length - 2, endLine: LOG_LINES.length - 1, role: "text" },
  ];

  it("creates one item per entry, reports what is not an entry, and renders each entry back line for line", async () => {
    const dir = project();
    writeTree(dir, { "notes/tasks.md": HAND_LOG });
    const r = await sdd(dir, "log", "import", "notes/tasks.md");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("imported 4 item(s)");
    for (const s of SKIPPED) expect(r.stdout).toContain(`not an entry, left out: lines ${s.line}-${s.endLine} (text)`);

    const ids = itemIds(dir);
    expect(ids).toHaveLength(ENTRIES.length);
    const stored = ids.map((id) => readItem(dir, id));
    for (const s of stored) expect(validateItem(s), JSON.stringify(validateItem.errors)).toBe(true);
    expect(stored.map((s) => s.title).sort()).toEqual(
      ["Cart total ignores discounts", "Export orders as CSV", "Write the onboarding guide", "Rework the checkout copy"].sort(),
    );
    const old = stored.find((s) => s.title === "Rework the checkout copy");
    expect(old).toMatchObject({
      state: "done",
      tags: ["SHOP-7"],
      format: "legacy",
      notes: ["", "  - Shorter labels on the payment step."],
    });
    expect(old?.fields).toEqual([
      { key: "Owner", value: "Lee" },
      { key: "Done", value: "2025-12-01" },
    ]);
    const exported = stored.find((s) => s.title === "Export orders as CSV");
    expect(exported?.fields.map((f) => f.key)).toEqual(["Spec", "Owner", "Started", "Summary", "Validation", "Review Notes"]);
    expect(exported?.fields[4]).toEqual({ key: "Validation", value: "", children: ["`make check` ok"] });

    expect((await sdd(dir, "log", "render")).code).toBe(0);
    const rendered = logText(dir).split("\n");
    for (const entry of ENTRIES) {
      const at = rendered.indexOf(entry[0] ?? "");
      expect(at, entry[0]).toBeGreaterThanOrEqual(0);
      expect(rendered.lastIndexOf(entry[0] ?? "")).toBe(at);
      expect(rendered.slice(at, at + entry.length)).toEqual(entry);
      // …and nothing more: the entry ends there.
      expect(rendered[at + entry.length] ?? "").toBe("");
    }
  });

  it("--json reports the items and the non-entry lines; importing the same file again adds nothing", async () => {
    const dir = project();
    writeTree(dir, { "notes/tasks.md": HAND_LOG });
    const first = await sdd(dir, "log", "import", "notes/tasks.md", "--json");
    expect(first.code, first.stdout).toBe(0);
    const doc = oneJson(first.stdout);
    expect(doc).toMatchObject({ command: "log import", ok: true, dry_run: false, directory: "work-items" });
    const file = (doc.files as Record<string, any>[])[0];
    expect(file).toMatchObject({ file: "notes/tasks.md", existing: [], skipped: SKIPPED, inexact: 0 });
    expect((file?.imported as string[]).slice().sort()).toEqual(itemIds(dir));
    const snapshot = itemIds(dir).map((id) => readFileSync(itemPath(dir, id), "utf8"));

    const second = await sdd(dir, "log", "import", "notes/tasks.md", "--json");
    expect(second.code, second.stdout).toBe(0);
    const again = (oneJson(second.stdout).files as Record<string, any>[])[0];
    expect(again?.imported).toEqual([]);
    expect((again?.existing as string[]).slice().sort()).toEqual(itemIds(dir));
    expect(itemIds(dir).map((id) => readFileSync(itemPath(dir, id), "utf8"))).toEqual(snapshot);
    const text = await sdd(dir, "log", "import", "notes/tasks.md");
    expect(text.stdout).toContain("imported 0 item(s), 4 already present");
    expect(itemIds(dir)).toHaveLength(ENTRIES.length);

    // --dry-run writes nothing.
    const fresh = project();
    writeTree(fresh, { "notes/tasks.md": HAND_LOG });
    const dry = await sdd(fresh, "log", "import", "notes/tasks.md", "--dry-run", "--json");
    expect(dry.code).toBe(0);
    expect((oneJson(dry.stdout).files as Record<string, any>[])[0]?.imported).toHaveLength(4);
    expect(itemIds(fresh)).toEqual([]);
  });

  it("a missing file is exit 2", async () => {
    const dir = project();
    const r = await sdd(dir, "log", "import", "notes/none.md", "--json");
    expect(r.code).toBe(2);
    expect(oneJson(r.stdout)).toMatchObject({ ok: false, exit_code: 2 });
    expect(itemIds(dir)).toEqual([]);
  });
});

describe.skipIf(!existsSync(CORPUS))("sdd log on the sample corpus", () => {
  const BANK = "meta/memory_bank";
  const SIMPLIFY = `${BANK}/branch_updates/2026-08-07-codex-feature-billing-balance-history-simplify.md`;

  function corpusCopy(): string {
    const dir = tempTree();
    cpSync(CORPUS, dir, { recursive: true });
    return dir;
  }

  it("every log file imports with exit 0", async () => {
    const dir = corpusCopy();
    const files = [
      `${BANK}/current_tasks.md`,
      ...readdirSync(join(dir, BANK, "branch_updates"))
        .filter((n) => n.endsWith(".md"))
        .sort()
        .map((n) => `${BANK}/branch_updates/${n}`),
    ];
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) {
      const r = await sdd(dir, "log", "import", f, "--json");
      expect(r.code, `${f}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(oneJson(r.stdout)).toMatchObject({ ok: true });
    }
    expect(readdirSync(join(dir, "meta", "sdd", "work-items")).filter((n) => n.endsWith(".json")).length).toBeGreaterThan(0);
  });

  it("`log lint FILE` finds the checkbox problems of a branch update", async () => {
    const dir = corpusCopy();
    const before = readFileSync(join(dir, SIMPLIFY), "utf8");
    const r = await sdd(dir, "log", "lint", SIMPLIFY, "--json");
    expect(r.code).toBe(1);
    const findings = oneJson(r.stdout).findings as { code: string; file: string; line: number }[];
    expect(findings).toContainEqual(expect.objectContaining({ code: "log-checkbox-fields", file: SIMPLIFY, line: 3 }));
    expect(findings).toContainEqual(expect.objectContaining({ code: "log-checkbox-section", file: SIMPLIFY, line: 33 }));
    expect(readFileSync(join(dir, SIMPLIFY), "utf8")).toBe(before);
  });
});

describe("sdd log lint (the JSON work items)", () => {
  it("exit 0 for clean items; 4 with file:line:col for a broken file; 1 with log-schema for an invalid one; github annotations", async () => {
    const dir = project();
    await addOk(dir, "Clean one");
    await addOk(dir, "Clean two", ["--spec", "docs/items/b.md", "--done"]);
    const clean = await sdd(dir, "log", "lint");
    expect(clean.code, clean.stdout).toBe(0);
    expect(oneJson((await sdd(dir, "log", "lint", "--json")).stdout)).toMatchObject({ ok: true, exit_code: 0, findings: [] });

    writeFileSync(join(itemsDir(dir), "broken.json"), '{\n  "schema_version": 1,\n  "id": "broken"\n  "state": "open"\n}\n');
    const broken = await sdd(dir, "log", "lint");
    expect(broken.code).toBe(4);
    expect(broken.stdout).toMatch(/work-items\/broken\.json:4:3: error/);
    expect(broken.stdout).not.toMatch(/\n\s+at /);
    const brokenJson = await sdd(dir, "log", "lint", "--json");
    expect(brokenJson.code).toBe(4);
    expect(oneJson(brokenJson.stdout).findings).toContainEqual(
      expect.objectContaining({ severity: "error", file: "work-items/broken.json", line: 4, column: 3 }),
    );
    const brokenGithub = await sdd(dir, "log", "lint", "--format", "github");
    expect(brokenGithub.code).toBe(4);
    expect(brokenGithub.stdout).toMatch(/^::error file=work-items\/broken\.json,line=4,col=3,title=[a-z-]+::/m);
    // Rendering refuses to guess either.
    expect((await sdd(dir, "log", "render")).code).toBe(4);
    writeFileSync(
      join(itemsDir(dir), "broken.json"),
      `${JSON.stringify({ schema_version: 1, id: "broken", state: "closed", tags: ["A"], title: "T", fields: [] }, null, 2)}\n`,
    );

    const invalid = await sdd(dir, "log", "lint", "--json");
    expect(invalid.code).toBe(1);
    const findings = oneJson(invalid.stdout).findings as { code: string; file: string; pointer: string; line: number }[];
    expect(findings).toEqual([expect.objectContaining({ code: "log-schema", file: "work-items/broken.json", pointer: "/state", line: 4 })]);
    const text = await sdd(dir, "log", "lint");
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/work-items\/broken\.json:4:\d+: error .*\[log-schema\]/);
    const github = await sdd(dir, "log", "lint", "--format", "github");
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(/^::error file=work-items\/broken\.json,line=4,col=\d+,title=log-schema::.+$/m);
  });
});
