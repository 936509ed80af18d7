/** The log operations behind `sdd log add|import|render|lint`, called directly on temp projects. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExitCode } from "../../../src/core/errors.js";
import { findSpecsDir } from "../../../src/core/store/discovery.js";
import { addWorkItem } from "../../../src/core/worklog/ops/add.js";
import { listItems, markItemDone, parseTags, setItemField } from "../../../src/core/worklog/ops/edit.js";
import { importLogs } from "../../../src/core/worklog/ops/import.js";
import { lintLogs } from "../../../src/core/worklog/ops/lint.js";
import { renderLogFile } from "../../../src/core/worklog/ops/render.js";
import { makeSpec, specsTree, writeTree } from "../../helpers.js";

const ENV = { SDD_NOW: "2026-03-01T12:00:00Z" };
const LOG = [
  "# Log",
  "",
  "Free text that is not an entry.",
  "",
  "- [ ] **[BUG]** Fix the thing",
  "  - Spec: `docs/x.md`",
  "  - Owner: me",
  "  - Started: 2026-01-05",
  "  - Summary: it breaks",
  "",
].join("\n");

function project() {
  const dir = specsTree([{ spec: makeSpec("demo-2026-01-01-001") }]);
  writeTree(dir, { "log.md": LOG, "docs/x.md": "# X\n", "_template.md": "- [ ] **[<TAG>]** <Title>\n" });
  const loc = findSpecsDir({ cwd: dir, env: {} });
  return { dir, loc, items: join(dir, "work-items") };
}

describe("importLogs", () => {
  it("writes one item per entry, reports what is not an entry, and a second run finds them present", async () => {
    const { dir, loc, items } = project();
    const first = await importLogs({ loc, cwd: dir, env: ENV, files: ["log.md"], dryRun: false, keepSections: false });
    expect(first.directory).toBe("work-items");
    const [file] = first.files;
    expect(file?.imported).toHaveLength(1);
    expect(file?.skipped.map((s) => s.role)).toEqual(["text"]);
    expect(readdirSync(items).filter((n) => n.endsWith(".json"))).toEqual([`${file?.imported[0]}.json`]);
    const again = await importLogs({ loc, cwd: dir, env: ENV, files: ["log.md"], dryRun: false, keepSections: false });
    expect(again.files[0]).toMatchObject({ imported: [], existing: file?.imported });
  });

  it("writes nothing on a dry run, skips templates, and refuses a missing file (exit 2)", async () => {
    const { dir, loc, items } = project();
    const r = await importLogs({ loc, cwd: dir, env: ENV, files: ["log.md", "_template.md"], dryRun: true, keepSections: false });
    expect(r.files.map((f) => [f.imported.length, f.template === true])).toEqual([
      [1, false],
      [0, true],
    ]);
    expect(existsSync(items)).toBe(false);
    await expect(importLogs({ loc, cwd: dir, env: ENV, files: ["nope.md"], dryRun: false, keepSections: false })).rejects.toMatchObject({
      code: "file-not-found",
      exitCode: ExitCode.usage,
    });
  });
});

describe("renderLogFile", () => {
  it("finds the log stale before rendering, writes it, and then finds it up to date", async () => {
    const { dir, loc } = project();
    await importLogs({ loc, cwd: dir, env: ENV, files: ["log.md"], dryRun: false, keepSections: false });
    const stale = renderLogFile({ loc, cwd: dir, check: true });
    expect(stale).toMatchObject({ check: true, file: "worklog.md", items: 1, stale: true });
    expect(stale.check && stale.diff.some((l) => l.includes("Fix the thing"))).toBe(true);
    expect(renderLogFile({ loc, cwd: dir, check: false })).toMatchObject({ changed: true, items: 1 });
    expect(readFileSync(join(dir, "worklog.md"), "utf8")).toContain("Fix the thing");
    expect(renderLogFile({ loc, cwd: dir, check: true })).toMatchObject({ stale: false, diff: [] });
    expect(renderLogFile({ loc, cwd: dir, check: false })).toMatchObject({ changed: false });
  });

  it("refuses to write outside the project, and to render an unreadable item (exit 4)", () => {
    const { dir, loc } = project();
    expect(() => renderLogFile({ loc, cwd: dir, check: false, output: "../elsewhere.md" })).toThrow(
      expect.objectContaining({ code: "outside-project" }),
    );
    writeTree(dir, { "work-items/bad.json": "{ nope" });
    expect(() => renderLogFile({ loc, cwd: dir, check: true })).toThrow(expect.objectContaining({ exitCode: ExitCode.unreadable }));
  });
});

describe("lintLogs", () => {
  it("lints the files named; a missing one outranks every other finding (exit 2); templates are left out", () => {
    const { dir, loc } = project();
    const ok = lintLogs({ loc, cwd: dir, files: ["log.md", "_template.md"] });
    expect(ok.templates).toEqual(["_template.md"]);
    expect(ok.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(ok.exitCode).toBe(ExitCode.ok);
    writeTree(dir, { "bad.md": LOG.replace("`docs/x.md`", "`docs/gone.md`") });
    expect(lintLogs({ loc, cwd: dir, files: ["bad.md"] })).toMatchObject({ exitCode: ExitCode.findings });
    const missing = lintLogs({ loc, cwd: dir, files: ["bad.md", "nope.md"] });
    expect(missing.exitCode).toBe(ExitCode.usage);
    expect(missing.findings.map((f) => f.code)).toContain("file-not-found");
  });

  it("with no files lints the work items; an unreadable one is exit 4", () => {
    const { dir, loc } = project();
    expect(lintLogs({ loc, cwd: dir, files: [] })).toMatchObject({ targets: ["work-items"], exitCode: ExitCode.ok });
    writeTree(dir, { "work-items/bad.json": "{ nope" });
    expect(lintLogs({ loc, cwd: dir, files: [] }).exitCode).toBe(ExitCode.unreadable);
  });
});

describe("addWorkItem", () => {
  const base = { title: "New item", owner: "me", spec: "docs/x.md", summary: "s", extra: [], tags: ["[bug]"], done: false };

  it("writes the fields in the canonical order (links backticked), tags in capitals, and a fresh id each time", async () => {
    const { dir, loc } = project();
    const a = await addWorkItem({ loc, cwd: dir, env: ENV, ...base, branch: "main", extra: [{ key: "Extra", value: "one" }] });
    expect(a.item.tags).toEqual(["BUG"]);
    expect(a.item.fields.map((f) => `${f.key}: ${f.value}`)).toEqual([
      "Spec: `docs/x.md`",
      "Owner: me",
      "Branch: `main`",
      "Started: 2026-03-01",
      "Summary: s",
      "Extra: one",
    ]);
    const b = await addWorkItem({ loc, cwd: dir, env: ENV, ...base });
    expect(b.item.id).not.toBe(a.item.id);
    expect(
      readdirSync(join(dir, "work-items"))
        .filter((n) => n.endsWith(".json"))
        .sort(),
    ).toEqual([`${a.item.id}.json`, `${b.item.id}.json`].sort());
    expect(a.file).toBe(`work-items/${a.item.id}.json`);
  });

  it("refuses an item that would not match the schema, writing nothing (exit 1)", async () => {
    const { dir, loc } = project();
    await expect(addWorkItem({ loc, cwd: dir, env: ENV, ...base, title: "" })).rejects.toMatchObject({ code: "work-item-invalid" });
    expect(existsSync(join(dir, "work-items"))).toBe(false);
  });
});

describe("setItemField, markItemDone, listItems", () => {
  const base = { title: "Edit me", owner: "me", spec: "docs/x.md", summary: "s", extra: [], tags: [], done: false };

  it("sets and removes fields, title and tags, and lists the result", async () => {
    const { dir, loc } = project();
    const { item } = await addWorkItem({ loc, cwd: dir, env: ENV, ...base, next: "later" });
    await setItemField({ loc, cwd: dir, id: item.id, key: "tags", value: "ui, [auth],," });
    await setItemField({ loc, cwd: dir, id: item.id, key: "title", value: "Edited" });
    const { before, item: after } = await setItemField({ loc, cwd: dir, id: item.id, key: "Next" });
    expect(before.fields.some((f) => f.key === "Next")).toBe(true);
    expect(after).toMatchObject({ title: "Edited", tags: ["UI", "AUTH"] });
    expect(after.fields.some((f) => f.key === "Next")).toBe(false);
    expect(listItems({ loc, cwd: dir })).toEqual([{ id: item.id, state: "open", title: "Edited", file: `work-items/${item.id}.json` }]);
  });

  it("checks an item off with today's date, but not while its linked spec is incomplete (unless forced)", async () => {
    const { dir, loc } = project();
    const plain = (await addWorkItem({ loc, cwd: dir, env: ENV, ...base })).item;
    const done = await markItemDone({ loc, cwd: dir, env: ENV, id: plain.id, force: false });
    expect(done.item.state).toBe("done");
    expect(done.item.fields.find((f) => f.key === "Done")?.value).toBe("2026-03-01");
    const linked = (await addWorkItem({ loc, cwd: dir, env: ENV, ...base, title: "Linked", sddSpec: "demo-2026-01-01-001" })).item;
    await expect(markItemDone({ loc, cwd: dir, env: ENV, id: linked.id, force: false })).rejects.toMatchObject({
      code: "spec-incomplete",
      fix: "sdd check-complete demo-2026-01-01-001   # or --force",
    });
    const forced = await markItemDone({ loc, cwd: dir, env: ENV, id: linked.id, force: true, date: "2026-02-27" });
    expect(forced.item.fields.find((f) => f.key === "Done")?.value).toBe("2026-02-27");
  });

  it("parses tags as stored", () => {
    expect(parseTags(" [bug], ui ,, Auth")).toEqual(["BUG", "UI", "AUTH"]);
  });
});
