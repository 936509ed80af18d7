/**
 * The output contract of `sdd validate`: one JSON document that matches the
 * report schema, GitHub annotations and step summary, global flags before the command
 * name, --strict, rule settings, and the same exit code in every output mode.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import AjvModule from "ajv";
import { describe, expect, it } from "vitest";
import { makeSpec, oneJson, REPO_ROOT, runCli, specsTree, tempTree, type RunResult } from "../helpers.js";

type Spec = Record<string, any>;
type Finding = { code: string; severity: string; file: string; line: number; column: number; message: string; pointer: string };

const Ajv = AjvModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
const validateReport = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, "schemas", "report.schema.json"), "utf8")) as object);

const ID = "demo-2026-01-01-001";

/** A spec with one error (a wrong roll-up) and one warning (a stale blocker field). */
const withFindings = (): Spec =>
  makeSpec(ID, (s) => {
    s.hierarchy["phase-1"].total_tasks = 4;
    s.hierarchy["task-1-2"].metadata.blocker_type = "technical";
  });
/** A spec whose only finding is a warning. */
const warningsOnly = (): Spec => makeSpec(ID, (s) => (s.hierarchy["task-1-2"].metadata.blocker_type = "technical"));

const trees = {
  ok: () => specsTree([{ spec: makeSpec(ID) }]),
  findings: () => specsTree([{ spec: withFindings() }, { spec: makeSpec("50%-2026-01-01-001"), name: "percent-2026-01-01-001.json" }]),
  warnings: () => specsTree([{ spec: warningsOnly() }]),
  unreadable: () => specsTree([{ spec: withFindings() }, { spec: makeSpec("broken-2026-01-01-001"), raw: '{\n  "spec_id": "broken' }]),
};

function expectOneValidReport(r: RunResult): Record<string, any> {
  expect(r.stdout.endsWith("}\n")).toBe(true);
  expect(r.stdout.trimEnd()).not.toContain("\n");
  const report = oneJson(r.stdout);
  expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
  expect(report.exit_code).toBe(r.code);
  expect(report.ok).toBe(r.code === 0);
  expect(r.stderr).toBe("");
  return report;
}

const ANNOTATION = /^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),title=([a-z-]+)::(.*)$/;

describe("exit codes and --json, in every output mode", () => {
  const SCENARIOS: { name: string; tree: () => string; args: string[]; exit: number; errorCode?: string }[] = [
    { name: "a valid spec", tree: trees.ok, args: [], exit: 0 },
    { name: "findings", tree: trees.findings, args: [], exit: 1 },
    { name: "warnings only", tree: trees.warnings, args: [], exit: 0 },
    { name: "warnings only with --strict", tree: trees.warnings, args: ["--strict"], exit: 1 },
    { name: "an unparseable file next to findings", tree: trees.unreadable, args: [], exit: 4 },
    { name: "a spec id that is not found", tree: trees.ok, args: ["nosuch-2026-01-01-001"], exit: 2, errorCode: "spec-not-found" },
    { name: "a missing file", tree: trees.ok, args: ["specs/active/gone.json"], exit: 2, errorCode: "spec-not-found" },
    { name: "an unknown flag", tree: trees.ok, args: ["--no-such-flag"], exit: 2, errorCode: "usage" },
  ];

  it.each(SCENARIOS)("$name: exit $exit in text, json and github modes", async ({ tree, args, exit, errorCode }) => {
    const cwd = tree();
    const json = await runCli(["validate", ...args, "--json"], { cwd });
    expect(json.code).toBe(exit);
    const report = expectOneValidReport(json);
    if (errorCode === undefined) {
      expect(report.command).toBe("validate");
      expect(report.error).toBeUndefined();
      expect(Array.isArray(report.findings)).toBe(true);
      expect(report.summary.files).toBe(report.files.length);
      expect(report.summary.errors).toBe(report.findings.filter((f: Finding) => f.severity === "error").length);
      expect(report.summary.warnings).toBe(report.findings.filter((f: Finding) => f.severity === "warning").length);
    } else {
      expect(report.error.code).toBe(errorCode);
      expect(report.findings).toBeUndefined();
    }

    const text = await runCli(["validate", ...args], { cwd });
    expect(text.code).toBe(exit);
    const github = await runCli(["validate", ...args, "--format", "github"], { cwd });
    expect(github.code).toBe(exit);
    for (const r of [text, github]) {
      expect(r.stdout + r.stderr).not.toContain("\u001b[");
      if (errorCode === undefined) expect(r.stderr).toBe("");
      else expect(r.stdout).toBe("");
    }
  });
});

describe("text output", () => {
  it("prints file:line:column, severity, message and code, then a summary", async () => {
    const r = await runCli(["validate"], { cwd: trees.findings() });
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")).toEqual([
      `specs/active/${ID}.json:31:7: error node "phase-1" says 0/4 tasks but its children hold 0/3 [rollup-mismatch]`,
      `specs/active/${ID}.json:59:9: warning node "task-1-2" is pending but keeps blocker fields (blocker_type) [stale-metadata]`,
      `specs/active/percent-2026-01-01-001.json:2:3: error spec_id "50%-2026-01-01-001" differs from the file name "percent-2026-01-01-001.json" [spec-id-mismatch]`,
      `specs/active/percent-2026-01-01-001.json:2:3: error spec_id "50%-2026-01-01-001" cannot name a file: use letters, digits, '.', '_' and '-' only [spec-id-unsafe]`,
      "2 spec files checked: 3 errors, 1 warning",
      "",
    ]);
    expect(r.stderr).toBe("");
  });

  it("says so when there is nothing to report", async () => {
    const r = await runCli(["validate"], { cwd: trees.ok() });
    expect(r).toEqual({ code: 0, stdout: "1 spec file checked: no problems found\n", stderr: "" });
  });
});

describe("--json", () => {
  it("reports every finding with its file, pointer, line and column", async () => {
    const r = await runCli(["validate", "--json"], { cwd: trees.findings() });
    const report = expectOneValidReport(r);
    expect(report.findings[0]).toEqual({
      code: "rollup-mismatch",
      severity: "error",
      pointer: "/hierarchy/phase-1/total_tasks",
      message: 'node "phase-1" says 0/4 tasks but its children hold 0/3',
      file: `specs/active/${ID}.json`,
      line: 31,
      column: 7,
      spec_id: ID,
    });
    expect(report.files).toEqual([
      { file: `specs/active/${ID}.json`, spec_id: ID, status: "errors", errors: 1, warnings: 1 },
      { file: "specs/active/percent-2026-01-01-001.json", spec_id: "50%-2026-01-01-001", status: "errors", errors: 2, warnings: 0 },
    ]);
  });

  it("reports an unparseable file as a finding with its position", async () => {
    const r = await runCli(["validate", "--json"], { cwd: trees.unreadable() });
    const report = expectOneValidReport(r);
    expect(report.summary).toMatchObject({ files: 2, unreadable: 1 });
    const broken = report.findings.filter((f: Finding) => f.file === "specs/active/broken-2026-01-01-001.json");
    expect(broken).toEqual([
      {
        code: "json-syntax",
        severity: "error",
        pointer: "",
        message: "invalid JSON: unterminated string; the file looks truncated",
        file: "specs/active/broken-2026-01-01-001.json",
        line: 2,
        column: 14,
      },
    ]);
  });

  it("reports a usage error as one document too", async () => {
    for (const args of [
      ["validate", "--json", "--format"],
      ["--json", "validate", "--bogus"],
      ["validate", "--format=json", "--bogus"],
    ]) {
      const r = await runCli(args, { cwd: trees.ok() });
      expect(r.code, args.join(" ")).toBe(2);
      const report = expectOneValidReport(r);
      expect(report.error.code).toBe("usage");
    }
  });
});

describe("--format github", () => {
  it("prints one annotation per finding, matching the JSON findings", async () => {
    const cwd = trees.findings();
    const github = await runCli(["validate", "--format", "github"], { cwd });
    const json = oneJson((await runCli(["validate", "--json"], { cwd })).stdout);
    expect(github.code).toBe(1);
    const annotations = github.stdout.split("\n").filter((l) => l.startsWith("::"));
    expect(annotations).toHaveLength(json.findings.length);
    const parsed = annotations.map((l) => {
      const m = ANNOTATION.exec(l);
      expect(m, l).not.toBeNull();
      const [, level, f, line, col, code, message] = m ?? [];
      return { level, file: f, line: Number(line), column: Number(col), code, message };
    });
    expect(parsed).toEqual(
      (json.findings as Finding[]).map((f) => ({
        level: f.severity,
        file: f.file,
        line: f.line,
        column: f.column,
        code: f.code,
        message: f.message.replace(/%/g, "%25"),
      })),
    );
    expect(annotations[0]).toBe(
      `::error file=specs/active/${ID}.json,line=31,col=7,title=rollup-mismatch::node "phase-1" says 0/4 tasks but its children hold 0/3`,
    );
    expect(annotations[1]).toMatch(/^::warning file=specs\/active\/demo-2026-01-01-001\.json,line=59,col=9,title=stale-metadata::/);
    expect(annotations[3]).toContain('title=spec-id-unsafe::spec_id "50%25-2026-01-01-001" cannot name a file');
  });

  it("appends a markdown summary to $GITHUB_STEP_SUMMARY", async () => {
    const cwd = trees.findings();
    const summary = join(tempTree(), "summary.md");
    writeFileSync(summary, "# earlier step\n\n");
    const r = await runCli(["validate", "--format", "github"], { cwd, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    const md = readFileSync(summary, "utf8");
    expect(md.startsWith("# earlier step\n\n## sdd validate\n")).toBe(true);
    expect(md).toContain("3 error(s), 1 warning(s).");
    expect(md).toContain("| Location | Severity | Code | Message |");
    expect(md).toContain(
      `| \`specs/active/${ID}.json:31:7\` | error | \`rollup-mismatch\` | node "phase-1" says 0/4 tasks but its children hold 0/3 |`,
    );

    const clean = await runCli(["validate", "--format", "github"], { cwd: trees.ok(), env: { GITHUB_STEP_SUMMARY: summary } });
    expect(clean.code).toBe(0);
    expect(clean.stdout.split("\n").filter((l) => l.startsWith("::"))).toEqual([]);
    expect(readFileSync(summary, "utf8")).toMatch(/## sdd validate\n\nNo problems found\.\n+$/);
  });

  it("annotates an unparseable file at its line and column", async () => {
    const r = await runCli(["validate", "--format", "github"], { cwd: trees.unreadable() });
    expect(r.code).toBe(4);
    expect(r.stdout).toContain(
      "::error file=specs/active/broken-2026-01-01-001.json,line=2,col=14,title=json-syntax::invalid JSON: unterminated string; the file looks truncated\n",
    );
  });
});

describe("global flags before the command name", () => {
  it("accepts --json, --specs-dir, --format and --path before validate", async () => {
    const root = trees.findings();
    const specs = join(root, "specs");
    const elsewhere = tempTree();

    const a = await runCli(["--json", "validate", "--specs-dir", specs], { cwd: elsewhere });
    expect(a.code).toBe(1);
    expect(expectOneValidReport(a).summary.files).toBe(2);

    const b = await runCli(["--specs-dir", specs, "validate"], { cwd: elsewhere });
    expect(b.code).toBe(1);
    expect(b.stdout).toContain(`${join(specs, "active", `${ID}.json`)}:31:7: error`);

    const c = await runCli(["--specs-dir", specs, "--json", "validate"], { cwd: elsewhere });
    expect(expectOneValidReport(c).summary.files).toBe(2);

    const d = await runCli(["--format", "github", "--specs-dir=" + specs, "validate"], { cwd: elsewhere });
    expect(d.code).toBe(1);
    expect(d.stdout.split("\n").filter((l) => l.startsWith("::error "))).toHaveLength(3);

    const e = await runCli(["--path", root, "--json", "validate", ID], { cwd: elsewhere });
    expect(e.code).toBe(1);
    expect(expectOneValidReport(e).files).toHaveLength(1);
  });
});

describe("--strict and rule settings", () => {
  it("--strict turns a warnings-only run into exit 1 in every mode", async () => {
    const cwd = trees.warnings();
    const plain = await runCli(["validate", "--json"], { cwd });
    expect(plain.code).toBe(0);
    expect(expectOneValidReport(plain).summary).toMatchObject({ errors: 0, warnings: 1 });
    const strict = await runCli(["validate", "--strict", "--json"], { cwd });
    expect(strict.code).toBe(1);
    expect(expectOneValidReport(strict).ok).toBe(false);
    expect((await runCli(["validate", "--strict", "--format", "github"], { cwd })).code).toBe(1);
  });

  it("sdd.config.json rules change severities and turn rules off, however the files are named", async () => {
    const cwd = specsTree([{ spec: makeSpec("nodate", (s) => (s.hierarchy["task-1-2"].metadata.blocker_type = "technical")) }]);
    writeFileSync(join(cwd, "sdd.config.json"), JSON.stringify({ rules: { "stale-metadata": "error", "spec-id-format": "off" } }));
    for (const args of [[], ["nodate"], ["specs/active/nodate.json"], ["specs"]]) {
      const r = await runCli(["validate", ...args, "--json"], { cwd });
      expect(r.code, args.join(" ")).toBe(1);
      const report = expectOneValidReport(r);
      expect(report.findings.map((f: Finding) => [f.code, f.severity])).toEqual([["stale-metadata", "error"]]);
      expect(report.files).toEqual([{ file: "specs/active/nodate.json", spec_id: "nodate", status: "errors", errors: 1, warnings: 0 }]);
    }
  });

  it("a rule demoted to a warning no longer fails the run unless --strict", async () => {
    const cwd = specsTree([{ spec: makeSpec(ID, (s) => (s.hierarchy["phase-1"].total_tasks = 4)) }]);
    writeFileSync(join(cwd, "sdd.config.json"), JSON.stringify({ rules: { "rollup-mismatch": "warning" } }));
    const r = await runCli(["validate", "--json"], { cwd });
    expect(r.code).toBe(0);
    expect(expectOneValidReport(r).findings.map((f: Finding) => f.severity)).toEqual(["warning"]);
    expect((await runCli(["validate", "--strict"], { cwd })).code).toBe(1);
  });

  it("duplicate-spec-id follows the rule settings in the per-file counts too", async () => {
    const cwd = specsTree([{ spec: makeSpec(ID) }, { folder: "archived", spec: makeSpec(ID, (s) => (s.metadata.status = "archived")) }]);
    const before = expectOneValidReport(await runCli(["validate", "--json"], { cwd }));
    expect(before.files.map((f: { errors: number }) => f.errors)).toEqual([1, 1]);
    writeFileSync(join(cwd, "sdd.config.json"), JSON.stringify({ rules: { "duplicate-spec-id": "off" } }));
    const r = await runCli(["validate", "--json"], { cwd });
    expect(r.code).toBe(0);
    const after = expectOneValidReport(r);
    expect(after.findings).toEqual([]);
    expect(after.files.map((f: { status: string; errors: number }) => [f.status, f.errors])).toEqual([
      ["valid", 0],
      ["valid", 0],
    ]);
  });
});
