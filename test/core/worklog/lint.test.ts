import { afterAll, describe, expect, it } from "vitest";
import type { Finding } from "../../../src/core/findings.js";
import { LOG_FINDING_CODES } from "../../../src/core/spec/codes.js";
import { LOG_RULES, lintLog, lintWorkItem, lintWorkItems, type LintOptions, type ResolvedSpec } from "../../../src/core/worklog/lint.js";
import type { WorkItem } from "../../../src/core/worklog/model.js";
import { renderLog } from "../../../src/core/worklog/render.js";

const fired = new Set<string>();
/** Lint and remember which codes fired, so the last test can check every rule has a test. */
function md(text: string, options: LintOptions = {}): Finding[] {
  const out = lintLog(text, { file: "log.md", ...options });
  for (const f of out) fired.add(f.code);
  return out;
}
function json(value: unknown, options: Parameters<typeof lintWorkItem>[1] = {}): Finding[] {
  const out = lintWorkItem(value, { file: "item.json", ...options });
  for (const f of out) fired.add(f.code);
  return out;
}
const codes = (findings: Finding[]): string[] => findings.map((f) => f.code);
const at = (findings: Finding[], code: string): (number | undefined)[] => findings.filter((f) => f.code === code).map((f) => f.line);

const lines = (...l: string[]): string => l.join("\n") + "\n";
const good = (box = "x", date = "  - Done: 2026-01-05"): string[] => [
  `- [${box}] **[FEATURE]** Ship the exporter`,
  "  - Spec: `docs/items/2026-01-01__feature__exporter.md`",
  "  - Owner: Sam",
  date,
  "  - Summary: CSV export of orders.",
];

const goodItem = (over: Partial<WorkItem> = {}): WorkItem => ({
  schema_version: 1,
  id: "2026-01-05-ship-the-exporter-0000",
  state: "done",
  tags: ["FEATURE"],
  title: "Ship the exporter",
  fields: [
    { key: "Spec", value: "`docs/items/2026-01-01__feature__exporter.md`" },
    { key: "Owner", value: "Sam" },
    { key: "Done", value: "2026-01-05" },
    { key: "Summary", value: "CSV export of orders." },
  ],
  ...over,
});

describe("a well-formed entry", () => {
  it("has no findings, in markdown or as JSON", () => {
    expect(md(lines("## Done", "", ...good()))).toEqual([]);
    expect(md(lines("## In Progress", "", ...good(" ", "  - Started: 2026-01-02")))).toEqual([]);
    expect(json(goodItem(), { fileStem: "2026-01-05-ship-the-exporter-0000" })).toEqual([]);
  });
});

describe("a rendered log", () => {
  it("lints clean: sections agree with the checkboxes", () => {
    const open = goodItem({
      id: "b",
      state: "open",
      title: "Open one",
      fields: [...goodItem().fields.filter((f) => f.key !== "Done"), { key: "Started", value: "2026-01-02" }],
    });
    const blocked = { ...open, id: "c", title: "Blocked one", fields: [...open.fields, { key: "Blocker", value: "keys" }] };
    expect(md(renderLog([goodItem(), open, blocked], { title: "Log" }))).toEqual([]);
  });
});

describe("markdown rules", () => {
  it("log-missing-field: Spec, Owner, Summary, and Done/Started by state", () => {
    const out = md(lines("- [x] **[A]** Bare", "  - Owner:", "- [ ] **[B]** Also bare", "  - Spec: `x.md`"));
    expect(out.filter((f) => f.code === "log-missing-field").map((f) => `${f.line}:${f.message.split(" ")[0]}`)).toEqual([
      "1:Done",
      "1:Spec",
      "1:Summary",
      "2:Owner",
      "3:Owner",
      "3:Started",
      "3:Summary",
    ]);
    expect(out.every((f) => f.severity === "error" && f.file === "log.md" && f.pointer === "")).toBe(true);
  });

  it("log-date-format: relative or malformed dates, with the value's column", () => {
    const out = md(lines(...good("x", "  - Done: yesterday")));
    expect(out).toEqual([expect.objectContaining({ code: "log-date-format", line: 4, column: 11 })]);
    expect(codes(md(lines(...good(" ", "  - Started: 2026-02-30"))))).toEqual(["log-date-format"]);
  });

  it("log-checkbox-fields: [x] with Started and no Done; [ ] with Done", () => {
    expect(at(md(lines(...good("x", "  - Started: 2026-01-02"))), "log-checkbox-fields")).toEqual([1]);
    expect(at(md(lines(...good(" "))), "log-checkbox-fields")).toEqual([4]);
  });

  it("log-checkbox-section: [x] under an In progress heading, [ ] under Done", () => {
    const out = md(lines("## In progress", "### Team A", "", ...good(), "", "## Done", "", ...good(" ", "  - Started: 2026-01-01")));
    expect(at(out, "log-checkbox-section")).toEqual([4, 12]);
    expect(out.find((f) => f.code === "log-checkbox-section")?.severity).toBe("warning");
  });

  it("log-spec-missing and log-link-format use the exists callback and the backticks", () => {
    const seen: string[] = [];
    const exists = (p: string): boolean => {
      seen.push(p);
      return false;
    };
    const out = md(lines(...good()), { exists });
    expect(out).toEqual([expect.objectContaining({ code: "log-spec-missing", line: 2, severity: "error" })]);
    expect(seen).toEqual(["docs/items/2026-01-01__feature__exporter.md"]);
    const plain = good();
    plain[1] = "  - Spec: docs/items/x.md";
    expect(codes(md(lines(...plain), { exists: () => true }))).toEqual(["log-link-format"]);
  });

  describe("SDD Spec links", () => {
    const withSdd = (box: string, link: string, date = box === "x" ? "  - Done: 2026-01-05" : "  - Started: 2026-01-02"): string => {
      const l = good(box, date);
      l.splice(2, 0, `  - SDD Spec: ${link}`);
      return lines(...l);
    };
    const store: Record<string, ResolvedSpec> = {
      "specs/active/half-2026-01-01-001.json": { folder: "active", complete: false },
      "specs/completed/full-2026-01-01-001.json": { folder: "completed", complete: true },
      "specs/active/full-2026-01-01-001.json": { folder: "completed", complete: true },
    };
    const resolveSpec = (p: string): ResolvedSpec | undefined => store[p];

    it("log-sdd-spec-missing: the link resolves to no spec", () => {
      expect(md(withSdd("x", "`specs/active/gone-2026-01-01-001.json`"), { resolveSpec })).toEqual([
        expect.objectContaining({ code: "log-sdd-spec-missing", line: 3 }),
      ]);
    });

    it("log-spec-incomplete: a done item whose spec is not complete", () => {
      expect(md(withSdd("x", "`specs/active/half-2026-01-01-001.json`"), { resolveSpec })).toEqual([
        expect.objectContaining({ code: "log-spec-incomplete", line: 3, severity: "error" }),
      ]);
      expect(md(withSdd("x", "`specs/completed/full-2026-01-01-001.json`"), { resolveSpec })).toEqual([]);
    });

    it("log-spec-complete-open and log-sdd-spec-moved: an open item linking a finished, moved spec", () => {
      expect(codes(md(withSdd(" ", "`specs/active/full-2026-01-01-001.json`"), { resolveSpec }))).toEqual([
        "log-spec-complete-open",
        "log-sdd-spec-moved",
      ]);
    });

    it("skips N/A links and checks nothing without the callback", () => {
      expect(md(withSdd("x", "N/A (trivial)"), { resolveSpec })).toEqual([]);
      expect(md(withSdd("x", "`specs/active/gone-2026-01-01-001.json`"))).toEqual([]);
    });

    it("log-derived-field: a typed Progress next to an SDD Spec", () => {
      const text = withSdd("x", "`specs/completed/full-2026-01-01-001.json`").replace("  - Owner", "  - Progress: 3/3\n  - Owner");
      expect(md(text, { resolveSpec })).toEqual([expect.objectContaining({ code: "log-derived-field", line: 4, severity: "warning" })]);
    });
  });

  describe("the three links from an entry to its spec", () => {
    const DOC = "docs/items/2026-01-01__feature__exporter.md";
    const specs: Record<string, ResolvedSpec> = {
      "open-2026-01-01-001": { folder: "pending", complete: false, id: "open-2026-01-01-001", completed: 0, total: 8 },
      "specs/pending/open-2026-01-01-001.json": { folder: "pending", complete: false, id: "open-2026-01-01-001", completed: 0, total: 8 },
      "done-2026-01-01-001": { folder: "completed", complete: true, id: "done-2026-01-01-001", completed: 3, total: 3 },
      "empty-2026-01-01-001": { folder: "completed", complete: false, id: "empty-2026-01-01-001", completed: 0, total: 0 },
    };
    const resolveSpec = (p: string): ResolvedSpec | undefined => specs[p];
    const opts = (doc: { sddSpec?: string; status?: string } | undefined, claims: string[] = []): LintOptions => ({
      resolveSpec,
      workItemDoc: (p) => (p === DOC ? doc : undefined),
      specsClaiming: (p) => (p === DOC ? claims : []),
    });

    it("the entry's own SDD Spec field", () => {
      const l = good();
      l.splice(2, 0, "  - SDD Spec: `open-2026-01-01-001`");
      const out = md(lines(...l), opts(undefined));
      expect(out).toEqual([expect.objectContaining({ code: "log-spec-incomplete", line: 3, severity: "error" })]);
      expect(out[0]?.message).toContain("0/8 tasks, pending/");
    });

    it("the work-item document's own SDD spec line (the headline failure: done, spec untouched)", () => {
      const out = md(lines(...good()), opts({ sddSpec: "specs/pending/open-2026-01-01-001.json", status: "done" }));
      expect(out).toEqual([expect.objectContaining({ code: "log-spec-incomplete", line: 2, column: 5, severity: "error" })]);
      expect(out[0]?.message).toContain("named by its work-item document");
    });

    it("a spec whose metadata.work_item_spec names the entry's Spec document", () => {
      const out = md(lines(...good()), opts(undefined, ["open-2026-01-01-001"]));
      expect(out).toEqual([expect.objectContaining({ code: "log-spec-incomplete", line: 2 })]);
      expect(out[0]?.message).toContain("whose work_item_spec is its work-item document");
      // The document and the claim agreeing on one spec are one link.
      expect(codes(md(lines(...good()), opts({ sddSpec: "open-2026-01-01-001" }, ["open-2026-01-01-001"])))).toEqual([
        "log-spec-incomplete",
      ]);
    });

    it("a done entry whose spec is complete has no finding on any path", () => {
      expect(md(lines(...good()), opts({ sddSpec: "done-2026-01-01-001", status: "done" }, ["done-2026-01-01-001"]))).toEqual([]);
    });

    it("log-spec-ambiguous: two specs claim one document; neither is guessed", () => {
      const out = md(lines(...good()), opts(undefined, ["open-2026-01-01-001", "done-2026-01-01-001"]));
      expect(out).toEqual([expect.objectContaining({ code: "log-spec-ambiguous", line: 2, severity: "warning" })]);
      expect(out[0]?.message).toContain("open-2026-01-01-001, done-2026-01-01-001");
    });

    it("log-spec-complete-open: an open entry whose spec is complete and in completed/", () => {
      const open = good(" ", "  - Started: 2026-01-02");
      expect(codes(md(lines(...open), opts({ sddSpec: "done-2026-01-01-001", status: "done" })))).toEqual(["log-spec-complete-open"]);
    });

    it("log-spec-no-work: a done entry whose spec holds no work", () => {
      expect(md(lines(...good()), opts({ sddSpec: "empty-2026-01-01-001" }))).toEqual([
        expect.objectContaining({ code: "log-spec-no-work", severity: "warning" }),
      ]);
    });

    it("log-doc-status: the document's Status disagrees with the checkbox", () => {
      const out = md(lines(...good()), opts({ status: "active" }));
      expect(out).toEqual([expect.objectContaining({ code: "log-doc-status", line: 2, severity: "warning" })]);
      expect(out[0]?.message).toContain("says Status: active");
      expect(md(lines(...good(" ", "  - Started: 2026-01-02")), opts({ status: "verification_pending" }))).toEqual([]);
      expect(md(lines(...good()), opts({ status: "Done" }))).toEqual([]);
      // An unknown word is not guessed at.
      expect(md(lines(...good()), opts({ status: "shelved" }))).toEqual([]);
    });

    it("the document's SDD spec line naming no spec is reported", () => {
      expect(codes(md(lines(...good()), opts({ sddSpec: "specs/active/gone-2026-01-01-001.json" })))).toEqual(["log-sdd-spec-missing"]);
    });

    it("applies to older-format entries too, and to JSON items", () => {
      const legacy = lines(
        "- [x] **[OPS-1]** Old entry",
        "",
        "  - Did a thing",
        "  - **Spec**: `docs/items/2026-01-01__feature__exporter.md`",
        "  - **Done**: 2026-01-05",
      );
      expect(codes(md(legacy, opts(undefined, ["open-2026-01-01-001"])))).toEqual(["log-legacy-format", "log-spec-incomplete"]);
      expect(codes(json(goodItem(), opts(undefined, ["open-2026-01-01-001"])))).toEqual(["log-spec-incomplete"]);
    });
  });

  it("log-legacy-format: older entries are reported once, as info, and not checked further", () => {
    const out = md(
      lines("## In Progress", "- [x] **[OPS-1]** Old entry", "", "  - Did a thing", "  - **Owner**: TBD", "  - **Target**: soon"),
    );
    expect(out).toEqual([expect.objectContaining({ code: "log-legacy-format", line: 2, severity: "info" })]);
  });

  it("log-placeholder: entries copied from a template", () => {
    const out = md(
      lines(
        "- [ ] **[<TAG>]** <Short title>",
        "  - Spec: `docs/items/<YYYY-MM-DD>__<type>__<slug>.md`",
        "  - Owner: <name>",
        "  - Started: <YYYY-MM-DD>",
        "  - Summary: <what>",
        "- [ ] **[<TAG>]** <Short title>",
        "  - Owner: <name>",
      ),
    );
    expect(out.map((f) => `${f.line}:${f.code}`)).toEqual(["1:log-placeholder", "6:log-placeholder"]);
    expect(codes(md(lines(...good().map((l) => l.replace("2026-01-05", "<YYYY-MM-DD>")))))).toEqual(["log-placeholder"]);
  });

  it("log-duplicate: the same title and Spec twice", () => {
    const out = md(lines(...good(), "", ...good()));
    expect(out).toEqual([expect.objectContaining({ code: "log-duplicate", line: 7, message: expect.stringContaining("line 1") })]);
  });

  it("log-nested-field and log-key-format: nested sub-bullets and dated keys", () => {
    const out = md(lines(...good(), "  - Review (2026-01-06):", "    - `make check` ok"));
    expect(out.map((f) => `${f.line}:${f.code}:${f.severity}`)).toEqual(["6:log-key-format:info", "6:log-nested-field:info"]);
  });

  it("log-layout: entries that would not render back byte for byte", () => {
    const l = good();
    l.splice(2, 0, "");
    expect(md(lines(...l))).toEqual([expect.objectContaining({ code: "log-layout", line: 3, severity: "info" })]);
    expect(codes(md(lines(...good().map((x) => x.replace("- [x]", "- [X]")))))).toEqual(["log-layout"]);
  });

  it("log-malformed-head: a checkbox line with entry fields that is not an entry head", () => {
    const out = md(lines(...good(), "", "- [x] [BUG] Missing bold", "  - Spec: `x.md`", "  - Owner: Sam"));
    expect(out).toEqual([expect.objectContaining({ code: "log-malformed-head", line: 7, severity: "warning" })]);
  });

  it("log-free-form and log-no-entries: status notes outside the entry grammar", () => {
    const out = md(
      lines(
        "# Status",
        "",
        "- Date: 2026-01-01",
        "- Spec: `docs/items/x.md`",
        "",
        "## Report",
        "",
        "Spec: docs/items/y.md",
        "- did things",
      ),
    );
    expect(out.map((f) => `${f.line}:${f.code}`)).toEqual(["1:log-no-entries", "4:log-free-form", "8:log-free-form"]);
    expect(md(lines("## Notes", "- [ ] Decide on caching", "- [x] Added a fallback"))).toEqual([
      expect.objectContaining({ code: "log-no-entries" }),
    ]);
  });
});

describe("JSON work-item rules", () => {
  it("log-schema: an invalid item stops there, with pointers", () => {
    const out = json({ ...goodItem(), state: "closed", extra: 1 });
    expect(out.map((f) => `${f.code}@${f.pointer}`)).toEqual(["log-schema@", "log-schema@/state"]);
    expect(out[0]?.file).toBe("item.json");
  });

  it("reports item rules with JSON pointers instead of lines", () => {
    const out = json(
      goodItem({
        state: "open",
        section: "Done",
        fields: [
          { key: "Owner", value: "" },
          { key: "Started", value: "01/02/2026" },
        ],
      }),
    );
    expect(out.map((f) => `${f.code}@${f.pointer}`)).toEqual([
      "log-missing-field@/fields",
      "log-missing-field@/fields",
      "log-missing-field@/fields/0",
      "log-date-format@/fields/1/value",
      "log-checkbox-section@/state",
    ]);
    expect(out.filter((f) => f.pointer === "/fields").map((f) => f.message)).toEqual([
      'Spec is missing in "Ship the exporter"',
      'Summary is missing in "Ship the exporter"',
    ]);
    expect(out.every((f) => f.line === undefined)).toBe(true);
  });

  it("log-id-mismatch and log-no-tags", () => {
    expect(codes(json(goodItem({ tags: [] }), { fileStem: "other-name" }))).toEqual(["log-id-mismatch", "log-no-tags"]);
  });

  it("log-legacy-format for a stored older-format item", () => {
    expect(codes(json(goodItem({ format: "legacy", notes: ["  - free text"] })))).toEqual(["log-legacy-format"]);
  });

  it("log-duplicate-id and log-duplicate across files", () => {
    const a = goodItem();
    const out = lintWorkItems([
      { value: a, file: "items/2026-01-05-ship-the-exporter-0000.json" },
      { value: a, file: "items/copy.json" },
    ]);
    for (const f of out) fired.add(f.code);
    expect(out.map((f) => `${f.file}:${f.code}`)).toEqual([
      "items/copy.json:log-duplicate",
      "items/copy.json:log-duplicate-id",
      "items/copy.json:log-id-mismatch",
    ]);
  });
});

afterAll(() => {
  // Every rule in LOG_RULES has a test above that makes it fire.
  expect([...fired].sort()).toEqual(Object.keys(LOG_RULES).sort());
});

describe("the codes sdd.config.json may configure", () => {
  it("list every log rule, and the rendered log's staleness", () => {
    expect([...LOG_FINDING_CODES].sort()).toEqual([...Object.keys(LOG_RULES), "log-stale"].sort());
  });
});
