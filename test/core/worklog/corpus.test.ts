/**
 * The work-item log library against the real airis sample logs (read in place, never copied):
 * every file imports, the irregular entries named in the corpus PROVENANCE.md are reported at
 * their lines, and rendering imported items reproduces every entry byte for byte.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { isValid } from "../../../src/core/schema/validate.js";
import type { Finding } from "../../../src/core/findings.js";
import { lintLog, type ResolvedSpec } from "../../../src/core/worklog/lint.js";
import { importLog } from "../../../src/core/worklog/import.js";
import { workItemToEntryLines } from "../../../src/core/worklog/model.js";
import { logEntries, parseLog } from "../../../src/core/worklog/parse.js";
import { renderLog } from "../../../src/core/worklog/render.js";
import { CORPUS, CORPUS_SPECS } from "../../helpers.js";

const BANK = join(CORPUS, "meta", "memory_bank");
const present = existsSync(BANK);
const LOG_FILES = present
  ? [
      "current_tasks.md",
      ...readdirSync(join(BANK, "branch_updates"))
        .filter((f) => f.endsWith(".md"))
        .sort()
        .map((f) => `branch_updates/${f}`),
    ]
  : [];
const read = (rel: string): string => readFileSync(join(BANK, rel), "utf8");
const TODAY = "2026-08-16";

/** Spec lookup over the corpus specs: by the id in the link, in any lifecycle folder. */
function resolveSpec(target: string): ResolvedSpec | undefined {
  const id = basename(target).replace(/\.json$/, "");
  for (const folder of ["pending", "active", "completed", "archived"]) {
    const file = join(CORPUS_SPECS, folder, `${id}.json`);
    if (!existsSync(file)) continue;
    const spec = JSON.parse(readFileSync(file, "utf8")) as { hierarchy: Record<string, { type: string; status: string }> };
    const work = Object.values(spec.hierarchy).filter((n) => ["task", "subtask", "verify"].includes(n.type));
    return { folder, complete: work.every((n) => n.status === "completed") };
  }
  return undefined;
}

function lint(rel: string): Finding[] {
  return lintLog(read(rel), { file: rel, exists: (p) => existsSync(join(CORPUS, p)), resolveSpec });
}
const linesOf = (findings: Finding[], code: string): (number | undefined)[] => findings.filter((f) => f.code === code).map((f) => f.line);

describe.skipIf(!present)("airis sample logs", () => {
  it("finds the log files", () => {
    expect(LOG_FILES.length).toBeGreaterThanOrEqual(8);
  });

  it.each(LOG_FILES)("%s: parses into blocks covering every line, and imports into schema-valid items", (rel) => {
    const text = read(rel);
    const log = parseLog(text);
    let next = 1;
    for (const b of log.blocks) {
      expect(b.line).toBe(next);
      next = b.endLine + 1;
    }
    expect(next).toBe(log.lines.length + 1);
    const result = importLog(text, { today: TODAY, file: rel });
    expect(result.items).toHaveLength(logEntries(log).length);
    for (const { item } of result.items) expect(isValid("work-item", item), item.title).toBe(true);
    expect(new Set(result.items.map((i) => i.item.id)).size).toBe(result.items.length);
  });

  it.each(LOG_FILES)("%s: every imported entry renders back to its exact lines", (rel) => {
    const text = read(rel);
    const entries = logEntries(parseLog(text));
    const result = importLog(text, { today: TODAY });
    expect(result.findings).toEqual([]);
    result.items.forEach(({ item, exact }, i) => {
      expect(exact).toBe(true);
      expect(workItemToEntryLines(item)).toEqual(entries[i]?.lines);
    });
    // The whole rendered log holds exactly the source's entry text blocks.
    const rendered = renderLog(result.items.map((r) => r.item));
    const blocks = (t: string): string[] =>
      logEntries(parseLog(t))
        .map((e) => e.lines.join("\n"))
        .sort();
    expect(blocks(rendered)).toEqual(blocks(text));
  });

  it("imports all files together with collision-free ids, and renders them deterministically", () => {
    const taken = new Set<string>();
    const items = LOG_FILES.flatMap((rel) => {
      const got = importLog(read(rel), { today: TODAY, existingIds: taken }).items.map((i) => i.item);
      for (const item of got) taken.add(item.id);
      return got;
    });
    expect(taken.size).toBe(items.length);
    const once = renderLog(items, { title: "Work log" });
    expect(renderLog(items, { title: "Work log" })).toBe(once);
    expect(renderLog([...items].reverse(), { title: "Work log" })).toBe(once);
    expect(renderLog([...items.slice(100), ...items.slice(0, 100)], { title: "Work log" })).toBe(once);
  });

  describe("irregular entries listed in PROVENANCE.md are reported at their lines", () => {
    it("billing-balance-history-simplify: [x] with Started and no Done; [x] under In progress; a stale SDD link", () => {
      const out = lint("branch_updates/2026-08-07-codex-feature-billing-balance-history-simplify.md");
      expect(linesOf(out, "log-checkbox-fields")).toEqual([3]);
      expect(linesOf(out, "log-checkbox-section")).toEqual([33]);
      // The open entry links active/…, but that spec is complete and now in completed/.
      expect(linesOf(out, "log-sdd-spec-moved")).toEqual([54]);
      expect(linesOf(out, "log-spec-complete-open")).toEqual([54]);
    });

    it("admin-billing-financial-visibility: a free-form status file with no entries", () => {
      const out = lint("branch_updates/2026-08-06-codex-feature-admin-billing-financial-visibility.md");
      expect(out.map((f) => `${f.line}:${f.code}`)).toEqual(["1:log-no-entries", "5:log-free-form"]);
    });

    it("2026-02-16: one entry followed by free-form dated report sections", () => {
      const rel = "branch_updates/2026-02-16-head-no-branch.md";
      const out = lint(rel);
      expect(linesOf(out, "log-free-form")).toEqual([12, 37]);
      expect(importLog(read(rel), { today: TODAY }).items).toHaveLength(1);
    });

    it("welcome-landing-figma-copy: keys with parenthetical dates and nested sub-bullets", () => {
      const out = lint("branch_updates/2026-02-22-codex-feature-welcome-landing-figma-copy.md");
      expect(linesOf(out, "log-key-format")).toEqual([9, 14, 18]);
      expect(linesOf(out, "log-nested-field")).toEqual([9, 14, 18, 35]);
    });

    it("current_tasks.md: every older-format entry (bold **Owner**/**Target**/**Done** keys) is reported", () => {
      const text = read("current_tasks.md");
      const out = lint("current_tasks.md");
      const legacy = new Set(linesOf(out, "log-legacy-format"));
      // Independently of the parser: the head line above each bold-key line (outside the
      // fenced "Task Format" example, which documents the format and is not an entry).
      const lines = text.split("\n");
      const expected = new Set<number>();
      let fenced = false;
      lines.forEach((line, i) => {
        if (line.startsWith("```")) fenced = !fenced;
        if (fenced || !/^ {2}- \*\*(?:Owner|Target|Done)\*\*:/.test(line)) return;
        let h = i;
        while (h > 0 && !lines[h]!.startsWith("- [")) h--;
        expected.add(h + 1);
      });
      expect(expected.size).toBeGreaterThan(40);
      for (const line of expected) expect(legacy.has(line), `line ${line}`).toBe(true);
      // ID tags such as [MODEL-01] and [BILLING-15][REFACTOR] with bold keys.
      expect(legacy.has(969)).toBe(true);
      expect(legacy.has(977)).toBe(true);
      expect(out.find((f) => f.code === "log-legacy-format")?.severity).toBe("info");
    });

    it("_template.md: the template entries are placeholders", () => {
      const out = lint("branch_updates/_template.md");
      expect(out.map((f) => `${f.line}:${f.code}`)).toEqual(["22:log-placeholder", "33:log-placeholder"]);
    });

    it("the example source file has only links the sample does not include", () => {
      const out = lint("branch_updates/2026-02-11-head-no-branch.md");
      expect([...new Set(out.map((f) => f.code))].sort()).toEqual(["log-sdd-spec-missing", "log-spec-missing"]);
    });
  });
});
