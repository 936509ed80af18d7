import { describe, expect, it } from "vitest";
import { logEntries, parseLog, type EntryBlock, type LogBlock } from "../../../src/core/worklog/parse.js";

const lines = (...l: string[]): string => l.join("\n") + "\n";

/** Every line belongs to exactly one block, in order. */
function expectFullCoverage(blocks: LogBlock[], lineCount: number): void {
  let next = 1;
  for (const b of blocks) {
    expect(b.line).toBe(next);
    expect(b.endLine).toBeGreaterThanOrEqual(b.line);
    expect(b.lines).toHaveLength(b.endLine - b.line + 1);
    next = b.endLine + 1;
  }
  expect(next).toBe(lineCount + 1);
}

describe("parseLog", () => {
  it("reads a current-format entry with its fields, nested lines and line numbers", () => {
    const text = lines(
      "## Done",
      "",
      "- [x] **[BUG][API]** Fix the widget cache",
      "  - Spec: `docs/items/2026-01-02__bugfix__widget-cache.md`",
      "  - Owner: Dana",
      "  - Done: 2026-01-03",
      "  - Validation:",
      "    - `make test` ok",
      "      - deeper note",
      "  - Summary: Cache keys include the locale now.",
    );
    const log = parseLog(text);
    expectFullCoverage(log.blocks, 10);
    const [entry] = logEntries(log);
    expect(entry).toMatchObject({
      kind: "entry",
      format: "current",
      checked: true,
      mark: "x",
      tags: ["BUG", "API"],
      title: "Fix the widget cache",
      line: 3,
      endLine: 10,
      headings: [{ level: 2, text: "Done", line: 1 }],
    });
    expect(entry?.fields.map((f) => [f.key, f.line])).toEqual([
      ["Spec", 4],
      ["Owner", 5],
      ["Done", 6],
      ["Validation", 7],
      ["Summary", 10],
    ]);
    expect(entry?.fields[3]).toMatchObject({ value: "", children: ["`make test` ok", "  - deeper note"] });
  });

  it("ends entries at the next head line even without a blank line between them", () => {
    const log = parseLog(
      lines("- [x] **[A]** One", "  - Owner: X", "- [ ] **[B]** Two", "  - Owner: Y", "not indented", "- [ ] **[C]** Three"),
    );
    const entries = logEntries(log);
    expect(entries.map((e) => [e.title, e.line, e.endLine])).toEqual([
      ["One", 1, 2],
      ["Two", 3, 4],
      ["Three", 6, 6],
    ]);
    expect(log.blocks.find((b) => b.kind === "other")).toMatchObject({ role: "text", line: 5, endLine: 5 });
  });

  it("ends an entry at a heading and keeps trailing blank lines out of it", () => {
    const log = parseLog(lines("- [ ] **[A]** One", "  - Owner: X", "", "", "### Next", "text"));
    expect(log.blocks.map((b) => [b.kind, b.line, b.endLine])).toEqual([
      ["entry", 1, 2],
      ["other", 3, 4],
      ["heading", 5, 5],
      ["other", 6, 6],
    ]);
  });

  it("reads the older format: blank line after the head, free bullets as notes, bold fields", () => {
    const text = lines(
      "- [x] **[SHOP-7]** Old style entry",
      "",
      "  - Reworked the checkout copy.",
      "  - Note: plain key-like bullet",
      "  - **Owner**: Lee",
      "  - **Done**: 2025-12-01",
      "",
      "- [x] **[SHOP-8]** Next one",
    );
    const [legacy, next] = logEntries(parseLog(text));
    expect(legacy).toMatchObject({ format: "legacy", line: 1, endLine: 6 });
    expect(legacy?.notes).toEqual(["", "  - Reworked the checkout copy.", "  - Note: plain key-like bullet"]);
    expect(legacy?.fields.map((f) => [f.key, f.value, f.bold, f.line])).toEqual([
      ["Owner", "Lee", true, 5],
      ["Done", "2025-12-01", true, 6],
    ]);
    expect(next?.line).toBe(8);
  });

  it("classifies free description bullets without bold keys as the older format too", () => {
    const [e] = logEntries(parseLog(lines("- [x] **[UI-3]** Tidy", "  - Moved the buttons", "  - Tests: `npm test`")));
    expect(e?.format).toBe("legacy");
    expect(e?.notes).toHaveLength(2);
    expect(e?.fields).toEqual([]);
  });

  it("keeps headings, prose, free bullets and non-entry checkboxes as other blocks", () => {
    const text = lines(
      "# Tasks",
      "Intro prose.",
      "",
      "## Notes",
      "- [ ] Decide on the cache size",
      "- [x] Added a fallback",
      "- **[IDEA-1]** Backlog bullet",
      "",
      "```",
      "- [ ] **[CATEGORY]** Example in a code block",
      "```",
    );
    const log = parseLog(text);
    expectFullCoverage(log.blocks, 11);
    expect(logEntries(log)).toEqual([]);
    expect(log.blocks.map((b) => (b.kind === "other" ? `${b.role}:${b.line}-${b.endLine}` : `${b.kind}:${b.line}`))).toEqual([
      "heading:1",
      "text:2-2",
      "blank:3-3",
      "heading:4",
      "text:5-7",
      "blank:8-8",
      "code:9-11",
    ]);
    const notes = log.blocks[4];
    expect(notes?.headings.map((h) => h.text)).toEqual(["Tasks", "Notes"]);
  });

  it("records the heading path of nested sections", () => {
    const log = parseLog(lines("## In Progress", "### High", "- [ ] **[A]** Title", "## Done", "- [x] **[B]** Other"));
    const [a, b] = logEntries(log) as [EntryBlock, EntryBlock];
    expect(a.headings.map((h) => h.text)).toEqual(["In Progress", "High"]);
    expect(b.headings.map((h) => h.text)).toEqual(["Done"]);
  });

  it("does not take a head without a title or tags for an entry", () => {
    const log = parseLog(lines("- [x] **[A]**", "- [x] [A] Title", "- [x] **A** Title"));
    expect(logEntries(log)).toEqual([]);
  });

  it("handles CRLF, no final newline and an empty file", () => {
    const log = parseLog("- [ ] **[A]** T\r\n  - Owner: X");
    expect(log.eol).toBe("\r\n");
    expect(log.finalNewline).toBe(false);
    expect(logEntries(log)[0]?.fields[0]).toMatchObject({ key: "Owner", value: "X" });
    expect(parseLog("").blocks).toEqual([]);
  });
});
