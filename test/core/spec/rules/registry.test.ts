/**
 * The registry is the one list of spec finding codes: every code the checks can report is
 * in it (the rules cannot report another: their `add` takes only the registry's rule
 * codes, a type error otherwise), every code in it is reported somewhere, the config's
 * list of known codes is made from it, and docs/rules.md documents each one.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOG_FINDING_CODES, SPEC_FINDING_CODES } from "../../../../src/core/spec/codes.js";
import { RULE_DOCS } from "../../../../src/core/spec/rules/docs/index.js";
import { RULE_FAMILIES, SEVERITY_OF, SPEC_RULES, type RuleCode } from "../../../../src/core/spec/rules/registry.js";
import type { Add } from "../../../../src/core/spec/rules/shared.js";
import { REPO_ROOT } from "../../../helpers.js";

const src = (...parts: string[]): string => readFileSync(join(REPO_ROOT, "src", ...parts), "utf8");
const codesIn = (text: string, pattern: RegExp): string[] => [...text.matchAll(pattern)].map((m) => m[1] as string);

/** The codes each layer of the validate pipeline reports, read from the code that reports them. */
function emittedCodes(): Map<string, string> {
  const out = new Map<string, string>();
  const note = (layer: string, codes: string[]): void => {
    for (const c of codes) out.set(c, layer);
  };
  const rulesDir = join(REPO_ROOT, "src", "core", "spec", "rules");
  for (const name of readdirSync(rulesDir).filter((n) => n.endsWith(".ts") && n !== "registry.ts")) {
    note("rules", codesIn(readFileSync(join(rulesDir, name), "utf8"), /\badd\(\s*"([a-z-]+)"/g));
  }
  const reading = [
    ...readdirSync(join(REPO_ROOT, "src", "core", "json")).map((n) => src("core", "json", n)),
    src("core", "store", "spec-file.ts"),
  ].join("\n");
  note("reading", codesIn(reading, /(?:DataError|NotFoundError)\(\s*"([a-z-]+)"/g));
  note("reading", codesIn(reading, /\bfail\([^\n]*?"([a-z]+-[a-z-]+)"\)/g));
  note("reading", codesIn(reading, /\bcode = "([a-z-]+)"/g));
  note("schema", codesIn(src("core", "schema", "validate.ts"), /\bcode = "([a-z-]+)"/g));
  const file = src("core", "validate", "file.ts");
  for (const c of codesIn(file, /\bcode: "([a-z-]+)"/g)) note(c.startsWith("json-") ? "reading" : "disk", [c]);
  note("all files", codesIn(src("core", "validate", "run.ts"), /\bcode: "([a-z-]+)"/g));
  note("journaling", codesIn(src("core", "spec", "journaling.ts"), /\bcode: "([a-z-]+)"/g));
  return out;
}

describe("the registry of spec finding codes", () => {
  const emitted = emittedCodes();

  it("holds exactly the codes the checks report, each under the layer that reports it", () => {
    expect(emitted.size).toBeGreaterThanOrEqual(40);
    expect([...emitted.keys()].sort()).toEqual(SPEC_RULES.map((r) => r.code).sort());
    for (const r of SPEC_RULES) expect(emitted.get(r.code), r.code).toBe(r.layer);
  });

  it("lets the rules report only its rule codes (the type check refuses any other)", () => {
    const reported: string[] = [];
    const add: Add = (code) => void reported.push(code);
    add("rollup-mismatch", "/hierarchy/phase-1/total_tasks", "a registered rule code");
    // @ts-expect-error a code the registry does not have cannot be reported
    add("no-such-code", "", "an unregistered code");
    // @ts-expect-error a code of another layer is not a rule's either
    add("json-syntax", "", "a reading code");
    const ruleCode: RuleCode = "dependency-cycle";
    expect([...reported, ruleCode]).toEqual(["rollup-mismatch", "no-such-code", "json-syntax", "dependency-cycle"]);
  });

  it("lists each code once, in a known family, with a summary and a documentation text", () => {
    const codes = SPEC_RULES.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const r of SPEC_RULES) {
      expect(Object.keys(RULE_FAMILIES)).toContain(r.family);
      expect(r.summary.length, r.code).toBeGreaterThan(10);
      const doc = RULE_DOCS[r.code];
      for (const text of [doc.meaning, doc.why, doc.bad, doc.fix]) expect(text.length, r.code).toBeGreaterThan(10);
    }
    expect(Object.keys(RULE_DOCS).sort()).toEqual([...codes].sort());
  });

  it("is what sdd.config.json's `rules` map is checked against (with the log's codes)", () => {
    expect(SPEC_FINDING_CODES).toEqual(SPEC_RULES.map((r) => r.code));
    expect(Object.keys(SEVERITY_OF).sort()).toEqual([...SPEC_FINDING_CODES].sort());
    expect(LOG_FINDING_CODES.filter((c) => SPEC_FINDING_CODES.includes(c as never))).toEqual([]);
  });

  it("has every code, spec and log, documented in docs/rules.md: a spec code under its own heading, a log code in the table", () => {
    const doc = readFileSync(join(REPO_ROOT, "docs", "rules.md"), "utf8");
    const headings = new Set(codesIn(doc, /^### `([a-z-]+)`$/gm));
    expect(SPEC_RULES.map((r) => r.code).filter((c) => !headings.has(c))).toEqual([]);
    const rows = new Set(codesIn(doc, /^\| `([a-z-]+)` +\|/gm));
    expect([...SPEC_FINDING_CODES, ...LOG_FINDING_CODES].filter((c) => !rows.has(c))).toEqual([]);
  });
});
