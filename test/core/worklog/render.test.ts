import { describe, expect, it } from "vitest";
import { importLog } from "../../../src/core/worklog/import.js";
import type { WorkItem } from "../../../src/core/worklog/model.js";
import { logEntries, parseLog } from "../../../src/core/worklog/parse.js";
import { applySpecState, DEFAULT_NOTICE, renderLog, sectionFor, type LinkedSpecState } from "../../../src/core/worklog/render.js";

const item = (id: string, over: Partial<WorkItem> = {}): WorkItem => ({
  schema_version: 1,
  id,
  state: "open",
  tags: ["T"],
  title: `Item ${id}`,
  fields: [],
  ...over,
});
const f = (key: string, value: string): { key: string; value: string } => ({ key, value });

const items: WorkItem[] = [
  item("b-open", { fields: [f("Owner", "A"), f("Started", "2026-01-02")] }),
  item("a-open", { fields: [f("Owner", "A"), f("Started", "2026-01-02")] }),
  item("c-open-newer", { fields: [f("Started", "2026-01-09")] }),
  item("undated", { fields: [f("Owner", "A")] }),
  item("blocked", { fields: [f("Started", "2026-01-01"), f("Blocker", "waiting for keys")] }),
  item("done-old", { state: "done", tags: ["X", "Y"], fields: [f("Done", "2025-12-01")] }),
  item("done-new", { state: "done", fields: [f("Started", "2026-01-01"), f("Done", "2026-01-05")] }),
  item("pinned", { state: "done", section: "Archive", fields: [f("Done", "2024-01-01")] }),
];

/** Deterministic permutations: reversed, and a fixed interleaving. */
function permutations<T>(list: T[]): T[][] {
  const interleaved = [...list.filter((_, i) => i % 2 === 1), ...list.filter((_, i) => i % 2 === 0)];
  return [[...list].reverse(), interleaved];
}

describe("renderLog", () => {
  it("groups by section, sorts by date descending then id, in the entry grammar", () => {
    const out = renderLog(items, { title: "Work log" });
    expect(out).toBe(
      [
        "# Work log",
        "",
        `<!-- ${DEFAULT_NOTICE} -->`,
        "",
        "## In Progress",
        "",
        "- [ ] **[T]** Item c-open-newer",
        "  - Started: 2026-01-09",
        "",
        "- [ ] **[T]** Item a-open",
        "  - Owner: A",
        "  - Started: 2026-01-02",
        "",
        "- [ ] **[T]** Item b-open",
        "  - Owner: A",
        "  - Started: 2026-01-02",
        "",
        "- [ ] **[T]** Item undated",
        "  - Owner: A",
        "",
        "## Blocked",
        "",
        "- [ ] **[T]** Item blocked",
        "  - Started: 2026-01-01",
        "  - Blocker: waiting for keys",
        "",
        "## Done",
        "",
        "- [x] **[T]** Item done-new",
        "  - Started: 2026-01-01",
        "  - Done: 2026-01-05",
        "",
        "- [x] **[X][Y]** Item done-old",
        "  - Done: 2025-12-01",
        "",
        "## Archive",
        "",
        "- [x] **[T]** Item pinned",
        "  - Done: 2024-01-01",
        "",
      ].join("\n"),
    );
  });

  it("is deterministic: same input twice and shuffled input give identical bytes", () => {
    const first = renderLog(items);
    expect(renderLog(items)).toBe(first);
    for (const p of permutations(items)) expect(renderLog(p)).toBe(first);
    expect(renderLog(structuredClone(items))).toBe(first);
  });

  it("renders configured sections even when empty, and supports custom sections, level, eol and no notice", () => {
    const out = renderLog([item("x", { state: "done" })], {
      sections: [{ title: "Open", state: "open" }, { title: "Closed" }],
      sectionLevel: 3,
      notice: false,
      eol: "\r\n",
    });
    expect(out).toBe("### Open\r\n\r\n### Closed\r\n\r\n- [x] **[T]** Item x\r\n");
    expect(renderLog([], { notice: "custom" })).toBe("<!-- custom -->\n\n## In Progress\n\n## Blocked\n\n## Done\n");
  });

  it("puts items that match no section under Other", () => {
    expect(sectionFor(item("x", { state: "done" }), [{ title: "Open", state: "open" }])).toBe("Other");
    expect(sectionFor(item("x", { section: "done" }))).toBe("Done");
  });

  it("re-imports its own output to the same items", () => {
    const out = renderLog(items, { title: "Log" });
    const back = importLog(out, { today: "2026-02-01" }).items.map((i) => i.item);
    const strip = (w: WorkItem): unknown => ({ ...w, id: "", section: undefined });
    expect(back.map(strip).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      items.map(strip).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    expect(logEntries(parseLog(out)).every((e) => e.format === "current")).toBe(true);
  });
});

describe("linked spec state", () => {
  const linked = item("linked", {
    fields: [
      f("Spec", "`w.md`"),
      f("SDD Spec", "`specs/active/s-2026-01-01-001.json`"),
      f("Owner", "A"),
      f("Progress", "typed"),
      f("Summary", "s"),
    ],
  });
  const state: LinkedSpecState = { status: "active", started: "2026-01-03T10:00:00Z", progress: { completed: 7, total: 8 } };

  it("renders Progress after SDD Spec, replaces a typed Progress and fills a missing Started", () => {
    const shown = applySpecState(linked, state);
    expect(shown.fields.map((x) => `${x.key}: ${x.value}`)).toEqual([
      "Spec: `w.md`",
      "SDD Spec: `specs/active/s-2026-01-01-001.json`",
      "Progress: 7/8 tasks (active)",
      "Owner: A",
      "Started: 2026-01-03",
      "Summary: s",
    ]);
    const out = renderLog([linked], { notice: false, specState: () => state });
    expect(out).toContain("  - Progress: 7/8 tasks (active)\n  - Owner: A\n  - Started: 2026-01-03\n");
  });

  it("never overrides the item's own checkbox or dates", () => {
    const own = { ...linked, fields: [...linked.fields, f("Started", "2026-01-01")] };
    const shown = applySpecState(own, {
      status: "completed",
      started: "2026-01-03",
      done: "2026-01-09",
      progress: { completed: 8, total: 8 },
    });
    expect(shown.state).toBe("open");
    expect(shown.fields.filter((x) => x.key === "Started").map((x) => x.value)).toEqual(["2026-01-01"]);
    expect(shown.fields.some((x) => x.key === "Done")).toBe(false);
    expect(renderLog([own], { specState: () => ({ status: "completed" }) })).toContain("## In Progress\n\n- [ ]");
  });

  it("fills Done for a done item, renders the status alone without progress, and ignores items without SDD Spec", () => {
    const done = applySpecState({ ...linked, state: "done" }, { status: "completed", done: "2026-01-09" });
    expect(done.fields.find((x) => x.key === "Done")?.value).toBe("2026-01-09");
    expect(done.fields.find((x) => x.key === "Progress")?.value).toBe("completed");
    const plain = item("plain");
    expect(applySpecState(plain, state)).toBe(plain);
  });
});
