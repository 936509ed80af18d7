/**
 * `sdd ci` end to end: a project scaffolded and filled by `sdd` itself
 * passes in every output format; a spec with a wrong roll-up, an unjournaled task and a
 * dangling dependency are all reported in one run, in every format, with the same exit code.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AjvModule from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oneJson, REPO_ROOT, runCli, tempTree, type RunResult } from "../helpers.js";

type Finding = { code: string; severity: string; message: string; file: string; pointer: string; line: number; column: number };
type Format = "text" | "json" | "github" | "sarif";
const FORMATS: readonly Format[] = ["text", "json", "github", "sarif"];

const Ajv = AjvModule.default;
const validateReport = new Ajv({ allErrors: true, strict: false }).compile(
  JSON.parse(readFileSync(join(REPO_ROOT, "schemas", "report.schema.json"), "utf8")) as object,
);

// The SARIF 2.1.0 schema is draft-04, which only ajv 6 reads; @microsoft/jest-sarif brings
// both. Its index is not imported: it calls a global `expect.extend` on load.
interface Ajv6Validate {
  (data: unknown): boolean;
  errors?: unknown;
}
interface Ajv6 {
  addMetaSchema(schema: object): void;
  compile(schema: object): Ajv6Validate;
}
const require = createRequire(import.meta.url);
const Ajv6Ctor = require("@microsoft/jest-sarif/node_modules/ajv") as new (options: object) => Ajv6;
const ajv6 = new Ajv6Ctor({ schemaId: "auto", allErrors: true });
ajv6.addMetaSchema(require("@microsoft/jest-sarif/node_modules/ajv/lib/refs/json-schema-draft-04.json") as object);
const validateSarif = ajv6.compile(require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as object);

/** Pinned so spec ids (and so file names) are the same on every run. */
const ENV = { SDD_NOW: "2026-03-01T10:00:00.000Z" };
const FEATURE = "feature-2026-03-01-001";
const BILLING = "billing-2026-03-01-001";
const SEARCH = "search-2026-03-01-001";
const specFile = (id: string): string => `specs/pending/${id}.json`;

async function sdd(cwd: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return runCli(args, { cwd, env: { ...ENV, ...env } });
}

/** Run a setup step that must succeed. */
async function step(cwd: string, args: string[]): Promise<RunResult> {
  const r = await sdd(cwd, args);
  expect(r.code, `sdd ${args.join(" ")}\n${r.stdout}${r.stderr}`).toBe(0);
  return r;
}

/** Edit a spec as a person would: parse, change, write back with the same layout. */
function editSpec(dir: string, id: string, edit: (spec: Record<string, any>) => void): void {
  const file = join(dir, specFile(id));
  const text = readFileSync(file, "utf8");
  const spec = JSON.parse(text) as Record<string, any>;
  edit(spec);
  writeFileSync(file, JSON.stringify(spec, null, 2) + (text.endsWith("\n") ? "\n" : ""));
}

function copyProject(from: string): string {
  const dir = tempTree();
  cpSync(from, dir, { recursive: true });
  return dir;
}

interface Runs {
  text: RunResult;
  json: RunResult;
  github: RunResult;
  sarif: RunResult;
  summary: string;
}

/** `sdd ci` in every output format; the exit code must be the same in all of them. */
async function ciEverywhere(cwd: string, extra: string[] = []): Promise<Runs> {
  const summaryFile = join(tempTree({ "summary.md": "# earlier step\n" }), "summary.md");
  const [text, json, github, sarif] = await Promise.all([
    sdd(cwd, ["ci", ...extra]),
    sdd(cwd, ["ci", "--json", ...extra]),
    sdd(cwd, ["ci", "--format", "github", ...extra], { GITHUB_STEP_SUMMARY: summaryFile }),
    sdd(cwd, ["ci", "--format", "sarif", ...extra]),
  ]);
  const codes = { text: text.code, json: json.code, github: github.code, sarif: sarif.code };
  expect(new Set(Object.values(codes)).size, `exit codes differ between formats: ${JSON.stringify(codes)}`).toBe(1);
  for (const r of [text, json, github, sarif]) {
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toContain("\u001b[");
  }
  return { text, json, github, sarif, summary: readFileSync(summaryFile, "utf8") };
}

function report(r: RunResult): Record<string, any> {
  expect(r.stdout.endsWith("}\n")).toBe(true);
  expect(r.stdout.trimEnd()).not.toContain("\n");
  const doc = oneJson(r.stdout);
  expect(validateReport(doc), JSON.stringify(validateReport.errors)).toBe(true);
  expect(doc.command).toBe("ci");
  expect(doc.exit_code).toBe(r.code);
  expect(doc.ok).toBe(r.code === 0);
  return doc;
}

function sarifLog(r: RunResult): Record<string, any> {
  const doc = oneJson(r.stdout);
  expect(validateSarif(doc), JSON.stringify(validateSarif.errors, null, 2)).toBe(true);
  expect(doc.version).toBe("2.1.0");
  expect(doc.runs).toHaveLength(1);
  return doc.runs[0];
}

/** Every finding shows in the SARIF run as a result with its rule, level and position. */
function expectSarifResults(run: Record<string, any>, findings: readonly Finding[]): void {
  const level = (s: string): string => (s === "error" ? "error" : s === "warning" ? "warning" : "note");
  expect(run.results).toHaveLength(findings.length);
  for (const f of findings) {
    const result = run.results.find((x: any) => x.ruleId === f.code && x.locations[0].physicalLocation.artifactLocation.uri === f.file) as
      Record<string, any> | undefined;
    expect(result, `no SARIF result for ${f.code} in ${f.file}`).toBeDefined();
    expect(result!.level).toBe(level(f.severity));
    expect(result!.message.text).toBe(f.message);
    expect(result!.locations[0].physicalLocation.region).toEqual({ startLine: f.line, startColumn: f.column });
    expect(run.tool.driver.rules[result!.ruleIndex].id).toBe(f.code);
  }
}

let clean = "";
let broken = "";

beforeAll(async () => {
  // Built once and copied per test: a dozen spawns of the real CLI take a few seconds.
  clean = mkdtempSync(join(tmpdir(), "sdd-ci-clean-"));
  execFileSync("git", ["init", "-q"], { cwd: clean });
  await step(clean, ["init"]);
  const created = oneJson((await step(clean, ["create", "Feature", "--phase", "Build", "--json"])).stdout);
  expect(created.spec_id).toBe(FEATURE);
  await step(clean, ["add-task", FEATURE, "phase-1", "--title", "Implement the feature"]);
  await step(clean, ["add-task", FEATURE, "phase-1", "--type", "verify", "--title", "Run the tests", "--command", "npm test"]);
  await step(clean, ["complete-task", FEATURE, "task-1-1"]);
  await step(clean, ["complete-task", FEATURE, "verify-1-1"]);

  broken = mkdtempSync(join(tmpdir(), "sdd-ci-broken-"));
  cpSync(clean, broken, { recursive: true });
  // 1. A roll-up count edited by hand.
  editSpec(broken, FEATURE, (s) => (s.hierarchy["spec-root"].total_tasks = 5));
  // 2. A task completed without a journal entry.
  await step(broken, ["create", "Billing", "--phase", "Build"]);
  await step(broken, ["add-task", BILLING, "phase-1", "--title", "Charge the card"]);
  await step(broken, ["update-status", BILLING, "task-1-1", "completed"]);
  // 3. Another spec whose task waits on a node that does not exist.
  await step(broken, ["create", "Search", "--phase", "Build"]);
  await step(broken, ["add-task", SEARCH, "phase-1", "--title", "Index documents"]);
  editSpec(broken, SEARCH, (s) => (s.hierarchy["task-1-1"].dependencies.blocked_by = ["task-9-9"]));
}, 120_000);

afterAll(() => {
  for (const dir of [clean, broken]) if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

describe("a clean project made by sdd", () => {
  it("passes in every output format", async () => {
    const r = await ciEverywhere(clean);
    expect(r.text.code).toBe(0);

    expect(r.text.stdout).toMatch(/^ok {3}validate$/m);
    expect(r.text.stdout).toMatch(/^ok {3}check-journaling$/m);
    expect(r.text.stdout).not.toMatch(/^FAIL/m);
    expect(r.text.stdout).toMatch(/^sdd ci: no problems found$/m);

    const doc = report(r.json);
    expect(doc.findings).toEqual([]);
    expect(doc.steps.map((s: any) => s.name)).toEqual(expect.arrayContaining(["validate", "check-journaling"]));
    for (const s of doc.steps) expect(s, s.name).toMatchObject({ ok: true, exit_code: 0 });

    expect(r.github.stdout).not.toMatch(/^::/m);
    expect(r.summary).toContain("## sdd ci");
    expect(r.summary).toContain("No problems found.");

    expect(sarifLog(r.sarif).results).toEqual([]);
  });
});

describe("a project with a broken spec, an unjournaled task and a dangling dependency", () => {
  // In the report's stable order: by file, then position.
  const EXPECTED = [
    { code: "unjournaled", file: specFile(BILLING), marker: '"task-1-1": {' },
    { code: "rollup-mismatch", file: specFile(FEATURE), marker: '"total_tasks": 5' },
    { code: "dependency-missing", file: specFile(SEARCH), marker: '"task-9-9"' },
  ];
  let runs: Runs;
  let findings: Finding[];

  beforeAll(async () => {
    runs = await ciEverywhere(broken);
    findings = report(runs.json).findings as Finding[];
  }, 60_000);

  it("fails with exit 1 in every format", () => {
    for (const format of FORMATS) expect(runs[format].code, format).toBe(1);
  });

  it("--json: one valid report listing each problem with its code and position", () => {
    expect(findings.map((f) => [f.code, f.file])).toEqual(EXPECTED.map((e) => [e.code, e.file]));
    for (const e of EXPECTED) {
      const f = findings.find((x) => x.code === e.code)!;
      expect(f.severity).toBe("error");
      // The line and column point at the offending value in the file.
      const line = readFileSync(join(broken, f.file), "utf8").split("\n")[f.line - 1] ?? "";
      expect(line, `${f.file}:${f.line}`).toContain(e.marker);
      expect(line.slice(f.column - 1)).toMatch(/^"/);
    }
    const steps = Object.fromEntries((report(runs.json).steps as any[]).map((s) => [s.name, s]));
    expect(steps.validate).toMatchObject({ ok: false, exit_code: 1 });
    expect(steps["check-journaling"]).toMatchObject({ ok: false, exit_code: 1 });
  });

  it("text: each problem with file:line:col, then the failing steps and a summary", () => {
    const lines = runs.text.stdout.split("\n");
    for (const f of findings) expect(lines).toContain(`${f.file}:${f.line}:${f.column}: error ${f.message} [${f.code}]`);
    expect(lines).toContain("FAIL validate");
    expect(lines).toContain("FAIL check-journaling");
    expect(lines).toContain("sdd ci: 3 errors, 0 warnings");
  });

  it("--format github: one ::error annotation per finding and a step summary appended", () => {
    const annotations = runs.github.stdout.split("\n").filter((l) => l.startsWith("::"));
    expect(annotations).toEqual(findings.map((f) => `::error file=${f.file},line=${f.line},col=${f.column},title=${f.code}::${f.message}`));
    expect(runs.summary.startsWith("# earlier step\n")).toBe(true);
    expect(runs.summary).toContain("## sdd ci");
    expect(runs.summary).toContain("3 error(s), 0 warning(s).");
    for (const f of findings) expect(runs.summary).toContain(`| \`${f.file}:${f.line}:${f.column}\` | error | \`${f.code}\` |`);
  });

  it("--format sarif: a valid SARIF 2.1.0 log with one result per finding", () => {
    const run = sarifLog(runs.sarif);
    expect(run.tool.driver.name).toBe("sdd");
    expectSarifResults(run, findings);
  });
});

describe("warnings and --strict", () => {
  it("a warning passes, and fails with --strict, in every format", async () => {
    const cwd = copyProject(clean);
    // A completed task that keeps blocker fields: stale-metadata, a warning.
    editSpec(cwd, FEATURE, (s) => (s.hierarchy["task-1-1"].metadata.blocker_type = "technical"));

    const lenient = await ciEverywhere(cwd);
    expect(lenient.text.code).toBe(0);
    const warnings = report(lenient.json).findings as Finding[];
    expect(warnings.map((f) => [f.code, f.severity])).toEqual([["stale-metadata", "warning"]]);
    const w = warnings[0]!;
    expect(lenient.text.stdout).toContain(`${w.file}:${w.line}:${w.column}: warning ${w.message} [stale-metadata]`);
    expect(lenient.github.stdout).toContain(`::warning file=${w.file},line=${w.line},col=${w.column},title=stale-metadata::`);
    expectSarifResults(sarifLog(lenient.sarif), warnings);

    const strict = await ciEverywhere(cwd, ["--strict"]);
    expect(strict.text.code).toBe(1);
    expect(report(strict.json).findings).toEqual(warnings);
    expectSarifResults(sarifLog(strict.sarif), warnings);
  });
});

describe("unreadable data", () => {
  it("an unparseable spec makes ci exit 4 in every format, still reporting the other problems", async () => {
    const cwd = copyProject(broken);
    writeFileSync(join(cwd, "specs", "active", "torn-2026-03-01-001.json"), '{\n  "spec_id": "torn-2026');
    const r = await ciEverywhere(cwd);
    expect(r.text.code).toBe(4);

    const findings = report(r.json).findings as Finding[];
    const torn = findings.find((f) => f.file === "specs/active/torn-2026-03-01-001.json");
    expect(torn).toMatchObject({ code: "json-syntax", severity: "error", line: 2 });
    expect(findings.map((f) => f.code)).toEqual(expect.arrayContaining(["rollup-mismatch", "unjournaled", "dependency-missing"]));

    expect(r.text.stdout).toContain(`specs/active/torn-2026-03-01-001.json:${torn!.line}:${torn!.column}: error`);
    expect(r.github.stdout).toContain(
      `::error file=specs/active/torn-2026-03-01-001.json,line=${torn!.line},col=${torn!.column},title=json-syntax::`,
    );
    expectSarifResults(sarifLog(r.sarif), findings);
  });
});
