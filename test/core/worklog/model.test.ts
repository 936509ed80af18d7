import { describe, expect, it } from "vitest";
import { isValid } from "../../../src/core/schema/validate.js";
import {
  createWorkItem,
  deriveWorkItemId,
  isIsoDate,
  itemDate,
  linkTarget,
  markDone,
  parseRisks,
  setField,
  slugifyTitle,
  uniqueId,
  workItemJson,
  workItemToEntryLines,
  type WorkItem,
} from "../../../src/core/worklog/model.js";
import { entryToWorkItem, importLog } from "../../../src/core/worklog/import.js";
import { logEntries, parseLog } from "../../../src/core/worklog/parse.js";

const lines = (...l: string[]): string => l.join("\n") + "\n";

const item = (over: Partial<WorkItem> = {}): WorkItem => ({
  schema_version: 1,
  id: "x",
  state: "open",
  tags: ["A"],
  title: "Title",
  fields: [],
  ...over,
});

describe("entry ⇄ work item", () => {
  const current = lines(
    "- [x] **[FEATURE][SEARCH]** Add fuzzy search to the catalogue",
    "  - Spec: `docs/items/2026-03-01__feature__fuzzy-search.md`",
    "  - SDD Spec: `specs/active/fuzzy-search-2026-03-01-001.json`",
    "  - Owner: Robin",
    "  - Done: 2026-03-04",
    "  - Summary: Typo-tolerant search over titles.",
    "  - Rollout note: behind the `fuzzy` flag",
    "  - Checks:",
    "    - `npm test` passed",
    "      - including the slow suite",
  );

  it("keeps field order, unknown keys and nested lines, and renders the same lines", () => {
    const [entry] = logEntries(parseLog(current));
    const wi = entryToWorkItem(entry!, { id: "fuzzy" });
    expect(wi).toEqual({
      schema_version: 1,
      id: "fuzzy",
      state: "done",
      tags: ["FEATURE", "SEARCH"],
      title: "Add fuzzy search to the catalogue",
      fields: [
        { key: "Spec", value: "`docs/items/2026-03-01__feature__fuzzy-search.md`" },
        { key: "SDD Spec", value: "`specs/active/fuzzy-search-2026-03-01-001.json`" },
        { key: "Owner", value: "Robin" },
        { key: "Done", value: "2026-03-04" },
        { key: "Summary", value: "Typo-tolerant search over titles." },
        { key: "Rollout note", value: "behind the `fuzzy` flag" },
        { key: "Checks", value: "", children: ["`npm test` passed", "  - including the slow suite"] },
      ],
    });
    expect(isValid("work-item", wi)).toBe(true);
    expect(workItemToEntryLines(wi)).toEqual(entry!.lines);
  });

  it("keeps an older-format entry verbatim (notes, bold fields, blank lines)", () => {
    const text = lines("- [ ] **[OPS-2]** Rotate keys", "", "  - Rotate the signing keys", "", "  - **Owner**: TBD", "  - **Target**: Q3");
    const [entry] = logEntries(parseLog(text));
    const wi = entryToWorkItem(entry!, { id: "rotate" });
    expect(wi).toMatchObject({ format: "legacy", notes: ["", "  - Rotate the signing keys", ""] });
    expect(wi.fields).toEqual([
      { key: "Owner", value: "TBD" },
      { key: "Target", value: "Q3" },
    ]);
    expect(isValid("work-item", wi)).toBe(true);
    expect(workItemToEntryLines(wi)).toEqual(entry!.lines);
  });

  it("renders an item without tags as a plain checkbox line", () => {
    expect(workItemToEntryLines(item({ tags: [] }))).toEqual(["- [ ] Title"]);
  });

  it("the schema refuses notes without the legacy format", () => {
    expect(isValid("work-item", item({ notes: ["x"] }))).toBe(false);
    expect(isValid("work-item", item({ format: "legacy", notes: ["x"] }))).toBe(true);
    expect(isValid("work-item", item({ fields: [{ key: "Bad: key", value: "" }] }))).toBe(false);
    expect(isValid("work-item", item({ title: "two\nlines" }))).toBe(false);
  });
});

describe("ids", () => {
  const base = item({ title: "Show payment failure reasons from the provider backend", fields: [{ key: "Spec", value: "`a.md`" }] });

  it("uses the Done date, else Started, else today, a slug and a 4-hex hash", () => {
    expect(deriveWorkItemId(base, "2026-05-05")).toMatch(/^2026-05-05-show-payment-failure-reasons-[0-9a-f]{4}$/);
    const started = setField(base, "Started", "2026-02-10");
    expect(deriveWorkItemId(started, "2026-05-05")).toMatch(/^2026-02-10-/);
    expect(deriveWorkItemId(setField(started, "Done", "2026-02-11"), "2026-05-05")).toMatch(/^2026-02-11-/);
    expect(deriveWorkItemId(setField(base, "Done", "soon"), "2026-05-05")).toMatch(/^2026-05-05-/);
  });

  it("matches the example in docs/worklog.md", () => {
    const example = item({
      title: "Show payment failure reasons from the provider backend",
      fields: [
        { key: "Spec", value: "`docs/items/2026-02-11__bugfix__payment-failure-reasons.md`" },
        { key: "Done", value: "2026-02-11" },
      ],
    });
    expect(deriveWorkItemId(example, "2026-03-04")).toBe("2026-02-11-show-payment-failure-reasons-43b8");
  });

  it("is stable and differs when the title or first field differ", () => {
    const a = deriveWorkItemId(base, "2026-05-05");
    expect(deriveWorkItemId(structuredClone(base), "2026-05-05")).toBe(a);
    expect(deriveWorkItemId({ ...base, fields: [{ key: "Spec", value: "`b.md`" }] }, "2026-05-05")).not.toBe(a);
    expect(deriveWorkItemId({ ...base, title: `${base.title}!` }, "2026-05-05")).not.toBe(a);
  });

  it("slugs non-Latin titles and refuses a bad today", () => {
    expect(slugifyTitle("Café déjà vu")).toBe("cafe-deja-vu");
    // Other scripts are transliterated, so ids stay readable (no new dependency: a small table).
    expect(slugifyTitle("Только кириллица")).toBe("tolko-kirillitsa");
    expect(slugifyTitle("Исправить ошибку оплаты ЮKassa")).toBe("ispravit-oshibku-oplaty-yukassa");
    expect(slugifyTitle("Щёлкнуть «Ещё»: йогурт")).toBe("shchyolknut-eshchyo-yogurt");
    expect(slugifyTitle("Ґанок і їжак")).toBe("ganok-i-yizhak");
    expect(slugifyTitle("Διόρθωση σφάλματος")).toBe("diorthosi-sfalmatos");
    expect(slugifyTitle("Straße Øresund")).toBe("strasse-oresund");
    expect(slugifyTitle("日本語")).toBe("item");
    expect(
      deriveWorkItemId({ title: "Показывать цены на лендинге", fields: [{ key: "Done", value: "2026-02-05" }] }, "2026-12-01"),
    ).toMatch(/^2026-02-05-pokazyvat-tseny-na-lendinge-[0-9a-f]{4}$/);
    expect(slugifyTitle("a".repeat(50))).toHaveLength(32);
    expect(() => deriveWorkItemId(base, "05/05/2026")).toThrow(/YYYY-MM-DD/);
  });

  it("import makes ids unique in file order and avoids existing ids", () => {
    const text = lines("- [ ] **[A]** Same", "  - Started: 2026-01-01", "- [ ] **[A]** Same", "  - Started: 2026-01-01");
    const first = importLog(text, { today: "2026-02-01" });
    const [a, b] = first.items.map((i) => i.item.id);
    expect(b).toBe(`${a}-2`);
    const again = importLog(text, { today: "2026-02-01", existingIds: [a!] });
    expect(again.items.map((i) => i.item.id)).toEqual([`${a}-2`, `${a}-3`]);
    expect(uniqueId("x", new Set())).toBe("x");
  });
});

describe("importLog", () => {
  it("lists skipped content, reports non-canonical layout and can keep sections", () => {
    const text = lines(
      "# Log",
      "Some prose.",
      "## Doing",
      "- [ ] **[A]**  Extra space before title",
      "  - Owner: X",
      "",
      "  - Started: 2026-01-01",
    );
    const result = importLog(text, { today: "2026-02-01", file: "log.md", keepSections: true });
    expect(result.items).toHaveLength(1);
    expect(result.items[0]).toMatchObject({
      line: 4,
      endLine: 7,
      exact: false,
      item: { section: "Doing", title: "Extra space before title" },
    });
    expect(result.skipped).toEqual([{ role: "text", line: 2, endLine: 2 }]);
    expect(result.findings).toEqual([expect.objectContaining({ code: "log-layout", severity: "info", file: "log.md", line: 4 })]);
  });
});

describe("field helpers", () => {
  it("setField replaces in place or inserts at the canonical position; unknown keys go last", () => {
    let wi = item({
      fields: [
        { key: "Spec", value: "`s`" },
        { key: "Summary", value: "s" },
        { key: "Extra", value: "e" },
      ],
    });
    wi = setField(wi, "Owner", "Kim");
    wi = setField(wi, "Started", "2026-01-01");
    wi = setField(wi, "Custom", "c");
    wi = setField(wi, "Summary", "new");
    expect(wi.fields.map((f) => `${f.key}=${f.value}`)).toEqual([
      "Spec=`s`",
      "Owner=Kim",
      "Started=2026-01-01",
      "Summary=new",
      "Extra=e",
      "Custom=c",
    ]);
    expect(setField(item({ fields: [{ key: "Tests", value: "t" }] }), "Spec", "`x`").fields[0]?.key).toBe("Spec");
  });

  it("markDone checks the item and adds Done after Started", () => {
    const done = markDone(
      item({
        fields: [
          { key: "Started", value: "2026-01-01" },
          { key: "Summary", value: "s" },
        ],
      }),
      "2026-01-05",
    );
    expect(done.state).toBe("done");
    expect(done.fields.map((f) => f.key)).toEqual(["Started", "Done", "Summary"]);
    expect(itemDate(done)).toBe("2026-01-05");
    expect(() => markDone(item(), "tomorrow")).toThrow();
  });

  it("dates, links and risks", () => {
    expect(isIsoDate("2026-02-28")).toBe(true);
    expect(isIsoDate("2026-02-30")).toBe(false);
    expect(isIsoDate("2026-2-3")).toBe(false);
    expect(linkTarget("`a/b.md` (plan)")).toBe("a/b.md");
    expect(linkTarget("plain/path.md")).toBe("plain/path.md");
    expect(linkTarget("  ")).toBeUndefined();
    expect(parseRisks("Medium (touches (nested) billing); mitigated")).toEqual({
      level: "Medium",
      reason: "touches (nested) billing",
      text: "Medium (touches (nested) billing); mitigated",
    });
    expect(parseRisks("Low-Medium (ui only)")).toMatchObject({ level: "Low-Medium", reason: "ui only" });
    expect(parseRisks("N/A")).toEqual({ level: "N/A", text: "N/A" });
    expect(parseRisks("Lower confidence in caching")).toEqual({ text: "Lower confidence in caching" });
  });
});

describe("new items and their JSON", () => {
  it("createWorkItem fills the state's date, derives a unique id and validates", () => {
    const init = {
      title: " Add audit log ",
      tags: ["OPS"],
      fields: [
        { key: "Spec", value: "`a.md`" },
        { key: "Summary", value: "s" },
      ],
    };
    const open = createWorkItem(init, { today: "2026-04-01" });
    expect(open.title).toBe("Add audit log");
    expect(open.fields.map((f) => f.key)).toEqual(["Spec", "Started", "Summary"]);
    expect(open.id).toMatch(/^2026-04-01-add-audit-log-[0-9a-f]{4}$/);
    expect(isValid("work-item", open)).toBe(true);
    const again = createWorkItem(init, { today: "2026-04-01", existingIds: [open.id] });
    expect(again.id).toBe(`${open.id}-2`);
    const done = createWorkItem({ ...init, state: "done", section: "Done" }, { today: "2026-04-02" });
    expect(done.fields.find((f) => f.key === "Done")?.value).toBe("2026-04-02");
  });

  it("workItemJson writes keys in schema order with a final newline", () => {
    const wi = {
      fields: [{ value: "v", key: "K" }],
      title: "T",
      tags: [],
      state: "open",
      id: "i",
      schema_version: 1,
      format: "legacy",
      notes: [""],
    } as WorkItem;
    const text = workItemJson(wi);
    expect(text.endsWith("}\n")).toBe(true);
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      "schema_version",
      "id",
      "state",
      "tags",
      "title",
      "format",
      "notes",
      "fields",
    ]);
    expect(text).toContain('"key": "K",\n      "value": "v"');
  });
});
