/**
 * The CI gate on a team's tree as the Python tool's users keep it: a main log and branch
 * logs written by hand, work-item documents, specs linking them. It must catch "done while
 * the spec is still open" on every link path, and report nothing that is not a problem.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeSpec, oneJson, runCli, tempTree } from "../helpers.js";

type Finding = { code: string; severity: string; file: string; line?: number; message: string };

const DOCS = "meta/memory_bank/specs/work_items";
const PRICING_DOC = `${DOCS}/2026-02-05__bugfix__pricing.md`;
const DONE_DOC = `${DOCS}/2026-02-01__feature__export.md`;
const OPEN_ID = "pricing-2026-02-05-001";
const DONE_ID = "export-2026-02-01-001";

/** Every unit of work completed and journaled, as complete-task leaves it. */
function finished(id: string, doc?: string): Record<string, any> {
  return makeSpec(id, (s) => {
    s.metadata = { title: "Export", status: "completed", ...(doc === undefined ? {} : { work_item_spec: doc }) };
    for (const k of ["task-1-1", "task-1-2", "verify-1-1"]) {
      s.hierarchy[k].status = "completed";
      s.hierarchy[k].completed_tasks = 1;
      s.hierarchy[k].metadata.completed_at = "2026-02-01T10:00:00Z";
    }
    for (const k of ["phase-1", "spec-root"]) {
      s.hierarchy[k].status = "completed";
      s.hierarchy[k].completed_tasks = 3;
    }
    s.journal = ["task-1-1", "task-1-2", "verify-1-1"].map((t) => ({
      timestamp: "2026-02-01T10:00:01Z",
      entry_type: "status_change",
      title: "Done",
      author: "test",
      content: "done",
      metadata: {},
      task_id: t,
    }));
  });
}

const MAIN_LOG = [
  "# Current Tasks",
  "",
  "## Done",
  "",
  "- [x] **[BUG]** Pricing table on the landing page",
  `  - Spec: \`${PRICING_DOC}\``,
  "  - Owner: Sam",
  "  - Done: 2026-02-05",
  "  - Summary: Show the prices.",
  "",
].join("\n");

const BRANCH_LOG = [
  "### Done",
  "",
  "- [x] **[FEATURE]** CSV export",
  `  - Spec: \`${DONE_DOC}\``,
  "  - Owner: Lee",
  "  - Done: 2026-02-01",
  "  - Summary: Orders as CSV.",
  "  - Tests: `npm test`",
  "",
  "- [x] **[OPS-1]** An entry in the older format",
  "",
  "  - Did a thing.",
  "  - **Owner**: Lee",
  "  - **Done**: 2026-01-05",
  "",
].join("\n");

const TEMPLATE = [
  "### In progress",
  "",
  "- [ ] **[<TAG>]** <Short title>",
  "  - Spec: `meta/memory_bank/specs/work_items/<YYYY-MM-DD>__<type>__<slug>.md`",
  "  - Owner: <name>",
  "  - Started: <YYYY-MM-DD>",
  "  - Summary: <one line>",
  "",
].join("\n");

function team(extra: Record<string, string | object> = {}): string {
  return tempTree({
    ".git/HEAD": "ref: refs/heads/main\n",
    [`meta/sdd/specs/pending/${OPEN_ID}.json`]: makeSpec(OPEN_ID, (s) => {
      s.metadata = { title: "Pricing", work_item_spec: PRICING_DOC };
    }),
    [`meta/sdd/specs/completed/${DONE_ID}.json`]: finished(DONE_ID, DONE_DOC),
    [PRICING_DOC]: `# Pricing\n\n## Meta\n\n- Type: bugfix\n- Status: done\n- SDD Spec (JSON, required for non-trivial): \`meta/sdd/specs/pending/${OPEN_ID}.json\`\n`,
    [DONE_DOC]: `# Export\n\n- Status: done\n- SDD Spec: \`meta/sdd/specs/completed/${DONE_ID}.json\`\n`,
    "meta/memory_bank/current_tasks.md": MAIN_LOG,
    "meta/memory_bank/branch_updates/2026-02-01-feature-export.md": BRANCH_LOG,
    "meta/memory_bank/branch_updates/_template.md": TEMPLATE,
    ...extra,
  });
}

const problems = (report: Record<string, any>): Finding[] => (report.findings as Finding[]).filter((f) => f.severity !== "info");

describe("sdd ci on a team's hand-written logs", () => {
  it("flags a done entry whose spec is untouched, at the entry's file:line, and nothing else", async () => {
    const dir = team();
    const r = await runCli(["ci", "--json"], { cwd: dir });
    expect(r.code).toBe(1);
    const report = oneJson(r.stdout);
    expect(problems(report).map((f) => [f.code, f.severity, f.file, f.line])).toEqual([
      ["log-spec-incomplete", "error", "meta/memory_bank/current_tasks.md", 6],
    ]);
    expect(problems(report)[0]?.message).toContain(`SDD spec ${OPEN_ID} (named by its work-item document) is not complete (0/3 tasks`);
    // The template's placeholder entries are not entries.
    expect((report.findings as Finding[]).filter((f) => f.file.endsWith("_template.md"))).toEqual([]);
    expect(report.steps.map((s: { name: string }) => s.name)).toContain("hand-written logs");
  });

  it("--format github prints the findings, and info notices only with --min-severity info", async () => {
    const dir = team();
    const r = await runCli(["ci", "--format", "github"], { cwd: dir });
    const annotations = r.stdout.split("\n").filter((l) => l.startsWith("::"));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(/^::error file=meta\/memory_bank\/current_tasks.md,line=6,col=5,title=log-spec-incomplete::/);
    const all = await runCli(["ci", "--format", "github", "--min-severity", "info"], { cwd: dir });
    expect(all.stdout).toContain("::notice ");
    expect(all.stdout).toContain("title=log-legacy-format");
  });

  it("an imported entry is linted once, where the team edits it", async () => {
    const dir = team();
    expect((await runCli(["init"], { cwd: dir })).code).toBe(0);
    const imp = await runCli(["log", "import", "meta/memory_bank/current_tasks.md", "meta/memory_bank/branch_updates/_template.md"], {
      cwd: dir,
    });
    expect(imp.stdout).toContain("_template.md: a template file; its entries are placeholders, nothing imported");
    expect((await runCli(["log", "render"], { cwd: dir })).code).toBe(0);
    const report = oneJson((await runCli(["ci", "--json"], { cwd: dir })).stdout);
    expect(problems(report).map((f) => [f.code, f.file, f.line])).toEqual([
      ["log-spec-incomplete", "meta/memory_bank/current_tasks.md", 6],
    ]);
  });

  it("logs in sdd.config.json names the logs in scope, with globs", async () => {
    const dir = team({
      "sdd.config.json": { logs: ["notes/**/*.md"] },
      "notes/2026/feb.md": MAIN_LOG.replace("Pricing table", "Pricing again"),
    });
    const report = oneJson((await runCli(["ci", "--json"], { cwd: dir })).stdout);
    expect(problems(report).map((f) => [f.code, f.file, f.line])).toEqual([["log-spec-incomplete", "notes/2026/feb.md", 6]]);
  });
});

describe("rules for the log in sdd.config.json", () => {
  it("turns a log rule down to a warning, or off", async () => {
    const down = team({ "sdd.config.json": { rules: { "log-spec-incomplete": "warning" } } });
    const r = await runCli(["ci", "--json"], { cwd: down });
    expect(r.code).toBe(0);
    expect(problems(oneJson(r.stdout)).map((f) => [f.code, f.severity])).toEqual([["log-spec-incomplete", "warning"]]);
    const off = team({ "sdd.config.json": { rules: { "log-spec-incomplete": "off", "log-legacy-format": "error" } } });
    const o = await runCli(["ci", "--json"], { cwd: off });
    expect(problems(oneJson(o.stdout)).map((f) => [f.code, f.severity])).toEqual([["log-legacy-format", "error"]]);
    const lint = await runCli(["log", "lint", "meta/memory_bank/current_tasks.md", "--json"], { cwd: off });
    expect(lint.code).toBe(0);
  });

  it("an unknown code is a usage error naming it", async () => {
    const dir = team({ "sdd.config.json": { rules: { "log-spec-incomplet": "off" } } });
    const r = await runCli(["ci", "--json"], { cwd: dir });
    expect(r.code).toBe(2);
    const report = oneJson(r.stdout);
    expect(JSON.stringify(report)).toContain('unknown finding code \\"log-spec-incomplet\\"');
    expect(JSON.stringify(report)).toContain("sdd.config.json:3:");
  });

  it("required fields per state: missing or a placeholder fails, older-format entries included", async () => {
    const dir = team({
      "sdd.config.json": { requiredFields: { done: ["Tests", "Risks"] } },
      "meta/memory_bank/branch_updates/2026-02-01-feature-export.md": BRANCH_LOG.replace(
        "  - Tests: `npm test`",
        "  - Tests: `npm test`\n  - Risks: Pending implementation",
      ),
    });
    const report = oneJson((await runCli(["ci", "--json"], { cwd: dir })).stdout);
    const missing = (report.findings as Finding[])
      .filter((f) => f.code === "log-missing-field")
      .map((f) => [f.file.replace(/.*\//, ""), f.line, f.message]);
    expect(missing).toEqual([
      ["2026-02-01-feature-export.md", 9, expect.stringContaining('Risks of "CSV export" is a placeholder ("Pending implementation")')],
      ["2026-02-01-feature-export.md", 11, expect.stringContaining('Risks is missing in "An entry in the older format"')],
      ["2026-02-01-feature-export.md", 11, expect.stringContaining('Tests is missing in "An entry in the older format"')],
      ["current_tasks.md", 5, expect.stringContaining('Risks is missing in "Pricing table on the landing page"')],
      ["current_tasks.md", 5, expect.stringContaining('Tests is missing in "Pricing table on the landing page"')],
    ]);
  });
});

describe("the folder a spec is in, against its work", () => {
  it("completed/ with open work is an error; validate --fix moves it out", async () => {
    const spec = finished("half-2026-03-01-001");
    spec.hierarchy["task-1-2"].status = "pending";
    spec.hierarchy["task-1-2"].completed_tasks = 0;
    delete spec.hierarchy["task-1-2"].metadata.completed_at;
    for (const k of ["phase-1", "spec-root"]) {
      spec.hierarchy[k].completed_tasks = 2;
      spec.hierarchy[k].status = "in_progress";
    }
    const dir = tempTree({ ".git/HEAD": "x", "specs/completed/half-2026-03-01-001.json": spec });
    const v = await runCli(["validate", "--json"], { cwd: dir });
    expect(v.code).toBe(1);
    expect(oneJson(v.stdout).findings.map((f: Finding) => f.code)).toEqual(["completed-open-work"]);
    const fix = await runCli(["validate", "--fix", "--json"], { cwd: dir });
    expect(fix.code).toBe(0);
    expect(existsSync(join(dir, "specs/active/half-2026-03-01-001.json"))).toBe(true);
    expect(existsSync(join(dir, "specs/completed/half-2026-03-01-001.json"))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, "specs/active/half-2026-03-01-001.json"), "utf8")).metadata.status).toBe("active");
  });

  it("a spec whose work is complete but labelled completed in active/ moves to completed/, not relabelled active", async () => {
    const dir = tempTree({ ".git/HEAD": "x", "specs/active/done-2026-03-01-001.json": finished("done-2026-03-01-001") });
    const fix = await runCli(["validate", "--fix", "--json"], { cwd: dir });
    expect(fix.code).toBe(0);
    const moved = join(dir, "specs/completed/done-2026-03-01-001.json");
    expect(existsSync(moved)).toBe(true);
    expect(JSON.parse(readFileSync(moved, "utf8")).metadata.status).toBe("completed");
  });

  it("a spec with no work is never complete: 0%, and complete-spec refuses it without --force", async () => {
    const empty = makeSpec("empty-2026-03-01-001", (s) => {
      s.hierarchy = { "spec-root": { ...s.hierarchy["spec-root"], children: [], total_tasks: 0 } };
    });
    const dir = tempTree({ ".git/HEAD": "x", "specs/active/empty-2026-03-01-001.json": empty });
    const p = oneJson((await runCli(["progress", "empty-2026-03-01-001", "--json"], { cwd: dir })).stdout);
    expect(p).toMatchObject({ percentage: 0, complete: false });
    const refused = await runCli(["complete-spec", "empty-2026-03-01-001"], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr + refused.stdout).toContain("holds no work");
    const forced = await runCli(["complete-spec", "empty-2026-03-01-001", "--force"], { cwd: dir });
    expect(forced.code).toBe(0);
  });

  it("complete-spec --force files open work in completed/ on purpose", async () => {
    const dir = tempTree({ ".git/HEAD": "x", "specs/active/open-2026-03-01-001.json": makeSpec("open-2026-03-01-001") });
    const forced = await runCli(["complete-spec", "open-2026-03-01-001", "--force"], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(existsSync(join(dir, "specs/completed/open-2026-03-01-001.json"))).toBe(true);
  });
});
