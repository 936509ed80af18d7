/**
 * `sdd validate` on bad input, through the real binary: every broken file is reported with
 * its file and position, the exit code follows the contract (1 findings, 2 not found or
 * usage, 4 unparseable), and nothing ever prints a stack trace. Every file is built here.
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeSpec, oneJson, runCli, tempTree, type RunResult } from "../helpers.js";

type Spec = Record<string, any>;
type Finding = { code: string; severity: string; pointer: string; file: string; line?: number; column?: number; message: string };

const pretty = (spec: unknown): string => JSON.stringify(spec, null, 2) + "\n";
const spec = (name: string, fn?: (s: Spec) => void): Spec => makeSpec(`${name}-2026-01-01-001`, fn);
const file = (name: string): string => `${name}-2026-01-01-001.json`;
/** Edit a spec through its JSON text: the only way to write keys such as "__proto__". */
const rewrite = (s: Spec, from: string, to: string): string => pretty(s).split(from).join(to);

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string, from = 0): [number, number] {
  const offset = text.indexOf(needle, from);
  expect(offset).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, offset).split("\n");
  return [before.length, (before.at(-1)?.length ?? 0) + 1];
}

/** Where a truncated text ends. */
function endOf(text: string): [number, number] {
  const lines = text.split("\n");
  return [lines.length, (lines.at(-1)?.length ?? 0) + 1];
}

function expectNoCrash(r: RunResult): void {
  const out = r.stdout + r.stderr;
  expect(out).not.toMatch(/^\s+at /m);
  expect(out).not.toMatch(/\b(?:TypeError|RangeError|SyntaxError|ReferenceError|InternalError|Error):/);
  expect(out).not.toContain("internal error");
}

/** Deterministic bytes, so a failure can be reproduced. */
function pseudoRandomBytes(n: number, seed = 12345): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const byFile = (findings: Finding[]): Map<string, Finding[]> => {
  const m = new Map<string, Finding[]>();
  for (const f of findings) m.set(f.file, [...(m.get(f.file) ?? []), f]);
  return m;
};

describe("files that do not parse", () => {
  const full = pretty(spec("truncated"));
  const truncated = full.slice(0, full.indexOf('"task-1-1": {') + '"task-1-1": {'.length);
  const latin1Text = pretty(spec("latin1", (s) => (s.title = "Café")));
  const trailing = pretty(spec("trailing")).replace('"journal": []\n}', '"journal": [],\n}');
  const unterminated = '{\n  "spec_id": "unterminated-2026-01-01-001",\n  "title": "no end';
  const garbage = pretty(spec("garbage")) + "garbage\n";
  const deepPrefix = '{"spec_id": "deep-2026-01-01-001", "metadata": ';

  /** name -> [content, code, line, column] */
  const UNREADABLE: Record<string, [string | Buffer, string, number, number]> = {
    [file("truncated")]: [truncated, "json-syntax", ...endOf(truncated)],
    [file("empty")]: ["", "json-empty", 1, 1],
    [file("blank")]: [" \n\t\r\n  ", "json-empty", 1, 1],
    [file("random")]: [Buffer.concat([Buffer.from([0x7b, 0x00, 0xff]), pseudoRandomBytes(4096)]), "json-encoding", 1, 3],
    [file("nul-bytes")]: [Buffer.alloc(64), "json-syntax", 1, 1],
    [file("latin1")]: [Buffer.from(latin1Text, "latin1"), "json-encoding", ...positionOf(latin1Text, "é")],
    [file("utf16")]: [Buffer.from("\uFEFF" + pretty(spec("utf16")), "utf16le"), "json-encoding", 1, 1],
    [file("trailing")]: [trailing, "json-syntax", ...positionOf(trailing, "}", trailing.indexOf('"journal": [],'))],
    [file("unterminated")]: [unterminated, "json-syntax", 3, 12],
    [file("garbage")]: [garbage, "json-syntax", ...positionOf(garbage, "garbage\n")],
    [file("single-quotes")]: ["{'spec_id': 'single-quotes-2026-01-01-001'}", "json-syntax", 1, 2],
    [file("deep")]: [deepPrefix + "[".repeat(5000) + "]".repeat(5000) + "}", "json-too-deep", 1, deepPrefix.length + 1000],
  };

  function unreadableTree(): string {
    const files: Record<string, string | Buffer> = {};
    for (const [name, [content]] of Object.entries(UNREADABLE)) files[`specs/active/${name}`] = content;
    files[`specs/active/${file("counts")}`] = pretty(spec("counts", (s) => (s.hierarchy["phase-1"].total_tasks = 4)));
    files[`specs/pending/${file("fine")}`] = pretty(spec("fine", (s) => (s.metadata.status = "pending")));
    return tempTree(files);
  }

  it("reports each one with its code, line and column, checks the rest, and exits 4 (--json)", async () => {
    const dir = unreadableTree();
    const r = await runCli(["validate", "--specs-dir", "specs", "--json"], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe("");
    const report = oneJson(r.stdout);
    expect(report.exit_code).toBe(4);
    expect(report.summary).toMatchObject({ files: 14, unreadable: 12 });
    const findings = byFile(report.findings as Finding[]);
    for (const [name, [, code, line, column]] of Object.entries(UNREADABLE)) {
      const shown = `specs/active/${name}`;
      expect(
        findings.get(shown)?.map((f) => [f.code, f.severity, f.line, f.column]),
        name,
      ).toEqual([[code, "error", line, column]]);
      expect(report.files.find((f: { file: string }) => f.file === shown)?.status, name).toBe("unreadable");
    }
    // A file with ordinary findings next to unparseable ones: reported, but 4 wins over 1.
    expect(findings.get(`specs/active/${file("counts")}`)?.map((f) => f.code)).toEqual(["rollup-mismatch"]);
    expect(report.files.find((f: { file: string }) => f.file === `specs/pending/${file("fine")}`)?.status).toBe("valid");
  });

  it("names the file and line:column of each in text mode when the directory is given as the target", async () => {
    const dir = unreadableTree();
    const r = await runCli(["validate", "specs/active"], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(4);
    const lines = r.stdout.split("\n");
    for (const [name, [, code, line, column]] of Object.entries(UNREADABLE)) {
      const prefix = `specs/active/${name}:${line}:${column}: error `;
      expect(
        lines.some((l) => l.startsWith(prefix) && l.endsWith(`[${code}]`)),
        `${prefix}… [${code}]`,
      ).toBe(true);
    }
    expect(r.stdout).toContain(
      `specs/active/${file("truncated")}:${endOf(truncated).join(":")}: error invalid JSON: unexpected end of file`,
    );
    expect(r.stdout).toContain(`specs/active/${file("random")}:1:3: error not UTF-8 text (invalid byte 0xFF at offset 2)`);
    expect(r.stdout).toContain(`specs/active/${file("unterminated")}:3:12: error invalid JSON: unterminated string`);
    expect(r.stdout).toMatch(/13 spec files checked: \d+ errors/);
  });

  it("exits 4 for a single unparseable file named on the command line", async () => {
    const dir = tempTree({ "broken.json": '{\n  "spec_id": "x",\n  "hierarchy": {\n' });
    const r = await runCli(["validate", "broken.json"], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain(
      "broken.json:4:1: error invalid JSON: unexpected end of file inside an object; the file looks truncated [json-syntax]",
    );
  });
});

describe("files that parse but are wrong", () => {
  const statusNumber = pretty(spec("status-number", (s) => (s.hierarchy["task-1-1"].status = 3)));
  const duplicateKey = pretty(spec("duplicate-key")).replace('"title": "First",', '"title": "First",\n      "status": "completed",');
  const withTypes = (name: string, fn: (s: Spec) => void): string => pretty(spec(name, fn));
  const noRoot = withTypes("no-root", (s) => delete s.hierarchy["spec-root"]);
  const cycleChildren = (s: Spec): void => {
    s.hierarchy["task-1-1"].type = "group";
    s.hierarchy["task-1-1"].children = ["task-1-3"];
    s.hierarchy["task-1-3"] = { ...s.hierarchy["task-1-2"], parent: "task-1-1", children: ["task-1-1"] };
  };

  /** path under specs/ -> [content, expected [code, pointer] pairs] */
  const WRONG: Record<string, [string | Buffer, [string, string][]]> = {
    [`active/${file("bom")}`]: [Buffer.from("\uFEFF" + pretty(spec("bom")), "utf8"), [["json-bom", ""]]],
    [`active/${file("hierarchy-array")}`]: [withTypes("hierarchy-array", (s) => (s.hierarchy = [])), [["schema", "/hierarchy"]]],
    [`active/${file("empty-hierarchy")}`]: [withTypes("empty-hierarchy", (s) => (s.hierarchy = {})), [["schema", "/hierarchy"]]],
    [`active/${file("status-number")}`]: [statusNumber, [["schema", "/hierarchy/task-1-1/status"]]],
    [`active/${file("children-string")}`]: [
      withTypes("children-string", (s) => (s.hierarchy["phase-1"].children = "task-1-1")),
      [["schema", "/hierarchy/phase-1/children"]],
    ],
    [`active/${file("total-string")}`]: [
      withTypes("total-string", (s) => (s.hierarchy["phase-1"].total_tasks = "3")),
      [["schema", "/hierarchy/phase-1/total_tasks"]],
    ],
    [`active/${file("metadata-string")}`]: [withTypes("metadata-string", (s) => (s.metadata = "active")), [["schema", "/metadata"]]],
    [`active/${file("node-metadata-array")}`]: [
      withTypes("node-metadata-array", (s) => (s.hierarchy["task-1-1"].metadata = [])),
      [["schema", "/hierarchy/task-1-1/metadata"]],
    ],
    [`active/${file("journal-object")}`]: [withTypes("journal-object", (s) => (s.journal = { entries: [] })), [["schema", "/journal"]]],
    [`active/${file("spec-id-number")}`]: [withTypes("spec-id-number", (s) => (s.spec_id = 42)), [["schema", "/spec_id"]]],
    [`active/${file("type-enum")}`]: [
      withTypes("type-enum", (s) => (s.hierarchy["task-1-1"].type = "epic")),
      [["schema", "/hierarchy/task-1-1/type"]],
    ],
    [`active/${file("blocked-by-string")}`]: [
      withTypes("blocked-by-string", (s) => (s.hierarchy["task-1-1"].dependencies.blocked_by = "task-1-2")),
      [["schema", "/hierarchy/task-1-1/dependencies/blocked_by"]],
    ],
    [`active/${file("missing-generated")}`]: [withTypes("missing-generated", (s) => delete s.generated), [["schema", "/generated"]]],
    [`active/${file("array-document")}`]: ["[]\n", [["schema", ""]]],
    [`active/${file("null-document")}`]: ["null", [["schema", ""]]],
    [`active/${file("string-document")}`]: ['"spec"', [["schema", ""]]],
    [`active/${file("no-root")}`]: [noRoot, [["hierarchy-no-root", "/hierarchy"]]],
    [`active/${file("children-cycle")}`]: [
      withTypes("children-cycle", cycleChildren),
      [
        ["hierarchy-multiple-parents", "/hierarchy/task-1-1"],
        ["hierarchy-cycle", "/hierarchy/task-1-3/children"],
      ],
    ],
    [`active/${file("blocked-by-cycle")}`]: [
      withTypes("blocked-by-cycle", (s) => {
        s.hierarchy["task-1-1"].dependencies = { blocks: ["task-1-2"], blocked_by: ["task-1-2"], depends: [] };
        s.hierarchy["task-1-2"].dependencies = { blocks: ["task-1-1"], blocked_by: ["task-1-1"], depends: [] };
      }),
      [["dependency-cycle", "/hierarchy/task-1-1/dependencies/blocked_by"]],
    ],
    [`active/${file("orphan")}`]: [
      withTypes("orphan", (s) => (s.hierarchy["task-1-9"] = { ...s.hierarchy["task-1-2"] })),
      [["hierarchy-orphan", "/hierarchy/task-1-9"]],
    ],
    [`active/${file("two-parents")}`]: [
      withTypes("two-parents", (s) => {
        s.hierarchy["phase-2"] = { ...s.hierarchy["phase-1"], children: ["task-1-2"], total_tasks: 1 };
        s.hierarchy["spec-root"].children.push("phase-2");
        s.hierarchy["spec-root"].total_tasks = 4;
      }),
      [["hierarchy-multiple-parents", "/hierarchy/task-1-2"]],
    ],
    [`active/${file("same")}`]: [pretty(spec("same")), [["duplicate-spec-id", "/spec_id"]]],
    [`completed/${file("same")}`]: [
      pretty(spec("same", (s) => (s.metadata.status = "completed"))),
      [
        ["duplicate-spec-id", "/spec_id"],
        // Filed as done with its work open.
        ["completed-open-work", "/hierarchy/task-1-1/status"],
      ],
    ],
    [`active/${file("named")}`]: [pretty(spec("other")), [["spec-id-mismatch", "/spec_id"]]],
    [`active/${file("proto-node")}`]: [
      rewrite(spec("proto-node"), '"task-1-2"', '"__proto__"'),
      [["reserved-key", "/hierarchy/__proto__"]],
    ],
    [`active/${file("constructor-node")}`]: [
      rewrite(spec("constructor-node"), '"task-1-2"', '"constructor"'),
      [["reserved-key", "/hierarchy/constructor"]],
    ],
    [`active/${file("proto-key")}`]: [
      rewrite(spec("proto-key"), '"status": "active"', '"status": "active",\n    "__proto__": {"polluted": true}'),
      [["reserved-key", "/metadata/__proto__"]],
    ],
    [`active/${file("constructor-key")}`]: [
      rewrite(spec("constructor-key"), '"journal": []', '"journal": [],\n  "constructor": {"prototype": 1},\n  "toString": "x"'),
      [],
    ],
    [`active/${file("slash-id")}`]: [
      pretty(makeSpec("team/slash-id-2026-01-01-001")),
      [
        ["spec-id-mismatch", "/spec_id"],
        ["spec-id-unsafe", "/spec_id"],
      ],
    ],
    [`active/${file("dotdot-id")}`]: [
      pretty(makeSpec("../dotdot-id-2026-01-01-001")),
      [
        ["spec-id-mismatch", "/spec_id"],
        ["spec-id-unsafe", "/spec_id"],
      ],
    ],
    [`active/${file("duplicate-key")}`]: [duplicateKey, [["json-duplicate-key", "/hierarchy/task-1-1/status"]]],
    [`completed/${file("folder")}`]: [
      pretty(spec("folder")),
      [
        ["folder-status-mismatch", "/metadata/status"],
        ["completed-open-work", "/hierarchy/task-1-1/status"],
      ],
    ],
    [`active/${file("work-item")}`]: [
      pretty(spec("work-item", (s) => (s.metadata.work_item_spec = "meta/memory_bank/items/gone.md"))),
      [["work-item-missing", "/metadata/work_item_spec"]],
    ],
  };
  const DIRECTORY_ENTRY = `active/${file("directory")}`;

  function wrongTree(): string {
    const files: Record<string, string | Buffer> = {};
    for (const [path, [content]] of Object.entries(WRONG)) files[`specs/${path}`] = content;
    const dir = tempTree(files);
    mkdirSync(join(dir, "specs", DIRECTORY_ENTRY));
    return dir;
  }

  it("reports exactly the expected findings for each file and exits 1 (--json)", async () => {
    const dir = wrongTree();
    const r = await runCli(["validate", "--specs-dir", "specs", "--json"], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const report = oneJson(r.stdout);
    expect(report.summary).toMatchObject({ files: Object.keys(WRONG).length + 1, unreadable: 0 });
    const findings = byFile(report.findings as Finding[]);
    for (const [path, [, expected]] of Object.entries(WRONG)) {
      const got = (findings.get(`specs/${path}`) ?? []).map((f) => [f.code, f.pointer]).sort();
      expect(got, path).toEqual([...expected].sort());
      for (const f of findings.get(`specs/${path}`) ?? []) {
        expect(f.line, `${path} ${f.code}`).toBeGreaterThanOrEqual(1);
        expect(f.column, `${path} ${f.code}`).toBeGreaterThanOrEqual(1);
      }
    }
    expect(findings.get(`specs/${DIRECTORY_ENTRY}`)?.map((f) => [f.code, f.severity])).toEqual([["file-not-found", "error"]]);
    expect(report.files.find((f: { file: string }) => f.file === `specs/active/${file("constructor-key")}`)?.status).toBe("valid");

    // Exact positions: the member's key, or the nearest existing ancestor of a missing one.
    const at = (path: string, code: string): [number | undefined, number | undefined] => {
      const f = findings.get(`specs/${path}`)?.find((x) => x.code === code);
      return [f?.line, f?.column];
    };
    expect(at(`active/${file("status-number")}`, "schema")).toEqual(positionOf(statusNumber, '"status": 3'));
    expect(at(`active/${file("duplicate-key")}`, "json-duplicate-key")).toEqual(
      positionOf(duplicateKey, '"status": "pending"', duplicateKey.indexOf('"status": "completed"')),
    );
    expect(at(`active/${file("missing-generated")}`, "schema")).toEqual([1, 1]);
    expect(at(`active/${file("bom")}`, "json-bom")).toEqual([1, 1]);
    expect(at(`active/${file("no-root")}`, "hierarchy-no-root")).toEqual(positionOf(noRoot, '"hierarchy"'));
  });

  it("names the file and line:column of every finding in text mode", async () => {
    const dir = wrongTree();
    const r = await runCli(["validate", "--specs-dir", "specs"], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    const findingLines = lines.slice(0, -1);
    for (const line of findingLines) {
      expect(line).toMatch(/^specs\/(?:active|completed)\/[\w.-]+\.json(?::\d+:\d+)?: (?:error|warning) .+ \[[a-z-]+\]$/);
    }
    for (const [path, [, expected]] of Object.entries(WRONG)) {
      for (const [code] of expected) {
        expect(
          findingLines.some((l) => l.startsWith(`specs/${path}:`) && /^[^:]+:\d+:\d+: /.test(l) && l.endsWith(`[${code}]`)),
          `${path} ${code}`,
        ).toBe(true);
      }
    }
    expect(r.stdout).toContain(`specs/${DIRECTORY_ENTRY}: error is a directory, not a JSON file [file-not-found]`);
    expect(r.stdout).toContain(
      `specs/active/${file("same")}:2:3: error spec id "same-2026-01-01-001" is also used by specs/completed/${file("same")}`,
    );
    expect(lines.at(-1)).toMatch(new RegExp(`^${Object.keys(WRONG).length + 1} spec files checked: \\d+ errors, \\d+ warnings$`));
  });

  it("refuses an id that is in two folders, naming both files (exit 2)", async () => {
    const dir = wrongTree();
    const r = await runCli(["validate", "same-2026-01-01-001"], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`specs/active/${file("same")}`);
    expect(r.stderr).toContain(`specs/completed/${file("same")}`);
    expect(r.stderr).toMatch(/^error: spec id "same-2026-01-01-001" is in 2 files: /);
  });
});

describe("targets that do not exist or are not specs", () => {
  const tree = (): string => tempTree({ "specs/active/ok-2026-01-01-001.json": pretty(makeSpec("ok-2026-01-01-001")), "empty/.keep": "" });

  /** `fix: false` when the error has no fix line; `json: false` when --json changes the case. */
  const CASES: { name: string; args: string[]; code: string; says: RegExp; fix?: false; json?: false }[] = [
    {
      name: "a missing file",
      args: ["specs/active/missing-2026-01-01-001.json"],
      code: "spec-not-found",
      says: /missing-2026-01-01-001\.json: no such spec file/,
    },
    { name: "a path outside that does not exist", args: ["../x"], code: "spec-not-found", says: /\/x: no such spec file/ },
    { name: "a path that climbs out through a folder", args: ["specs/../../x"], code: "spec-not-found", says: /\/x: no such spec file/ },
    { name: "an id with '..'", args: ["..x"], code: "invalid-spec-id", says: /invalid spec id "\.\.x"/ },
    { name: "an unknown id", args: ["nosuch-2026-01-01-001"], code: "spec-not-found", says: /spec "nosuch-2026-01-01-001" not found in / },
    {
      name: "an unknown id with .json",
      args: ["nosuch-2026-01-01-001.json"],
      code: "spec-not-found",
      says: /spec "nosuch-2026-01-01-001" not found/,
    },
    { name: "a directory with no JSON files", args: ["empty"], code: "no-spec-files", says: /^empty: no \.json files in this directory$/ },
    { name: "an unknown flag", args: ["--frobnicate"], code: "usage", says: /unknown option '--frobnicate'/ },
    {
      name: "a format validate does not offer",
      args: ["--format", "sarif"],
      code: "usage",
      says: /--format sarif is not available for validate/,
      fix: false,
      json: false,
    },
  ];

  it.each(CASES)("$name: exit 2 with a message, in text and in JSON", async ({ args, code, says, fix, json: inJson }) => {
    const dir = tree();
    const text = await runCli(["validate", ...args], { cwd: dir });
    expectNoCrash(text);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe("");
    expect(text.stderr).toMatch(/^error: /);
    expect(text.stderr.split("\n")[0]?.replace(/^error: /, "")).toMatch(says);
    if (fix !== false) expect(text.stderr).toMatch(/\n {2}fix: \S/);
    if (inJson === false) return;

    const json = await runCli(["validate", ...args, "--json"], { cwd: dir });
    expectNoCrash(json);
    expect(json.code).toBe(2);
    expect(json.stderr).toBe("");
    const report = oneJson(json.stdout);
    expect(report).toMatchObject({ ok: false, exit_code: 2, error: { code } });
    expect(report.error.message).toMatch(says);
  });

  it("reads ../x when it is an existing file: a path, never an id", async () => {
    const dir = tempTree({ "outside.json": pretty(makeSpec("outside")), "work/specs/active/.keep": "" });
    const r = await runCli(["validate", "../outside.json", "--json"], { cwd: join(dir, "work") });
    expectNoCrash(r);
    const report = oneJson(r.stdout);
    expect(report.files.map((f: { file: string }) => f.file)).toEqual([join(dir, "outside.json")]);
    expect(report.findings.map((f: Finding) => f.code)).toEqual(["spec-id-format"]);
    expect(r.code).toBe(0);
  });
});

describe("a 20 MB spec", () => {
  it("is validated completely and passes", async () => {
    const phases = 50;
    const tasks = 1000;
    const s = makeSpec("large-2026-01-01-001", (x) => {
      x.hierarchy = {
        "spec-root": {
          type: "spec",
          title: "Large",
          status: "in_progress",
          parent: null,
          children: [],
          total_tasks: phases * tasks,
          completed_tasks: (phases * tasks) / 2,
          metadata: {},
        },
      };
      for (let p = 1; p <= phases; p++) {
        const pid = `phase-${p}`;
        x.hierarchy["spec-root"].children.push(pid);
        const kids: string[] = [];
        for (let t = 1; t <= tasks; t++) {
          const id = `task-${p}-${t}`;
          const done = t % 2 === 0;
          kids.push(id);
          x.hierarchy[id] = {
            type: "task",
            title: `Task ${p}.${t}: make the large-spec path fast enough for CI`,
            status: done ? "completed" : "pending",
            parent: pid,
            children: [],
            total_tasks: 1,
            completed_tasks: done ? 1 : 0,
            metadata: done
              ? {
                  started_at: "2026-01-01T00:00:00Z",
                  completed_at: "2026-01-02T00:00:00Z",
                  task_category: "implementation",
                  file_path: "src/x.ts",
                }
              : { task_category: "implementation", file_path: "src/x.ts" },
            dependencies: { blocks: [], blocked_by: t > 1 && !done ? [`task-${p}-${t - 1}`] : [], depends: [] },
          };
          if (t > 1 && !done) x.hierarchy[`task-${p}-${t - 1}`].dependencies.blocks.push(id);
        }
        x.hierarchy[pid] = {
          type: "phase",
          title: `Phase ${p}`,
          status: "in_progress",
          parent: "spec-root",
          children: kids,
          total_tasks: tasks,
          completed_tasks: tasks / 2,
          metadata: {},
        };
      }
      x.journal = Array.from({ length: 2000 }, (_, i) => ({
        timestamp: "2026-01-02T00:00:00Z",
        entry_type: "status_change",
        title: `Completed task-1-${2 * (i % 500) + 2}`,
        content: "Done.",
        author: "agent",
        metadata: {},
        task_id: `task-1-${2 * (i % 500) + 2}`,
      }));
    });
    const dir = tempTree();
    const target = join(dir, "specs", "active", "large-2026-01-01-001.json");
    mkdirSync(join(dir, "specs", "active"), { recursive: true });
    writeFileSync(target, pretty(s));
    expect(statSync(target).size).toBeGreaterThan(20 * 1024 * 1024);

    const started = Date.now();
    const r = await runCli(["validate", "--json"], { cwd: dir });
    expectNoCrash(r);
    expect(r.stderr).toBe("");
    const report = oneJson(r.stdout);
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({ files: 1, errors: 0, warnings: 0, unreadable: 0 });
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
