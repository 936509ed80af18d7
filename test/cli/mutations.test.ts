/**
 * The writing commands as a user runs them: exit codes, messages
 * without stack traces, one JSON document with --json, and no byte changed when a command
 * fails. Plus `history`, `fix` and `validate --fix`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { makeSpec, oneJson, runCli, specsTree, writeTree, type RunResult } from "../helpers.js";

const ID = "demo-2026-01-01-001";
const MISSING_ID = "nope-2026-01-01-001";

/** A valid spec whose task-1-2 is blocked, so every command has something to do. */
function blockedSpec(): Record<string, any> {
  return makeSpec(ID, (s) => {
    s.hierarchy["task-1-2"].status = "blocked";
    s.hierarchy["task-1-2"].metadata = {
      blocked_at: "2026-01-02T00:00:00Z",
      blocker_type: "technical",
      blocker_description: "flaky CI",
      blocked_by_external: false,
    };
  });
}

interface WritingCommand {
  name: string;
  /** argv for a run that succeeds on blockedSpec(), given the spec and task arguments. */
  argv: (spec: string, task: string) => string[];
  /** The task it works on; undefined when the command takes none. */
  task?: string;
  /** argv with an invalid status (or other invalid choice), where the command has one. */
  invalid?: { argv: (spec: string, task: string) => string[]; names: string };
}

const COMMANDS: WritingCommand[] = [
  {
    name: "update-status",
    argv: (s, t) => ["update-status", s, t, "completed"],
    task: "task-1-1",
    invalid: { argv: (s, t) => ["update-status", s, t, "done"], names: "done" },
  },
  { name: "complete-task", argv: (s, t) => ["complete-task", s, t], task: "task-1-1" },
  {
    name: "mark-blocked",
    argv: (s, t) => ["mark-blocked", s, t, "--reason", "waiting for review"],
    task: "task-1-1",
    invalid: { argv: (s, t) => ["mark-blocked", s, t, "--reason", "r", "--type", "stuck"], names: "stuck" },
  },
  { name: "unblock-task", argv: (s, t) => ["unblock-task", s, t, "--resolution", "CI fixed"], task: "task-1-2" },
  { name: "add-journal", argv: (s, t) => ["add-journal", s, "--title", "Note", "--content", "text", "--task-id", t], task: "task-1-1" },
  { name: "add-revision", argv: (s) => ["add-revision", s, "1.1", "scope change"] },
  {
    name: "update-task-metadata",
    argv: (s, t) => ["update-task-metadata", s, t, "--description", "more detail"],
    task: "task-1-1",
    invalid: { argv: (s, t) => ["update-task-metadata", s, t, "--verification-type", "sometimes"], names: "sometimes" },
  },
  { name: "fix", argv: (s) => ["fix", s] },
];

const WITH_TASK = COMMANDS.filter((c) => c.task !== undefined);
const WITH_INVALID = COMMANDS.filter((c) => c.invalid !== undefined);

/** Every file under `dir` with its bytes, to prove a failed command changed nothing. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p).toString("base64"));
    }
  };
  walk(dir);
  return out;
}

function tree(): { dir: string; file: string } {
  const dir = specsTree([{ spec: blockedSpec() }]);
  return { dir, file: join(dir, "specs", "active", `${ID}.json`) };
}

/** A user error in text mode: the exit code, "error: …" on stderr, no stack, nothing on stdout. */
function expectTextError(r: RunResult, code: number, names: string[]): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^error: /);
  for (const n of names) expect(r.stderr).toContain(n);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain("internal error");
}

/** The same error with --json: exactly one JSON document on stdout, nothing on stderr. */
function expectJsonError(r: RunResult, code: number, command: string, names: string[]): Record<string, any> {
  expect(r.code, r.stdout + r.stderr).toBe(code);
  expect(r.stderr).toBe("");
  expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
  const doc = oneJson(r.stdout);
  expect(doc).toMatchObject({ schema_version: 2, command, ok: false, exit_code: code });
  expect(typeof doc.error.code).toBe("string");
  for (const n of names) expect(doc.error.message).toContain(n);
  return doc;
}

async function runBoth(dir: string, argv: string[], check: (text: RunResult, json: RunResult) => void): Promise<void> {
  const before = snapshot(dir);
  const text = await runCli(argv, { cwd: dir });
  const json = await runCli([...argv, "--json"], { cwd: dir });
  check(text, json);
  expect(snapshot(dir)).toEqual(before);
}

describe("each writing command fails cleanly and changes nothing", () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))("%s: a missing spec is exit 2 naming the spec", async (name, cmd) => {
    const { dir } = tree();
    await runBoth(dir, cmd.argv(MISSING_ID, cmd.task ?? "task-1-1"), (text, json) => {
      expectTextError(text, 2, [MISSING_ID]);
      expectJsonError(json, 2, name, [MISSING_ID]);
    });
  });

  it.each(WITH_TASK.map((c) => [c.name, c] as const))("%s: a missing task is exit 2 naming the task and the spec", async (name, cmd) => {
    const { dir } = tree();
    await runBoth(dir, cmd.argv(ID, "task-9-9"), (text, json) => {
      expectTextError(text, 2, ["task-9-9", ID]);
      expectJsonError(json, 2, name, ["task-9-9", ID]);
    });
  });

  it.each(WITH_INVALID.map((c) => [c.name, c] as const))(
    "%s: an invalid status or choice is exit 2 naming the value",
    async (name, cmd) => {
      const { dir } = tree();
      await runBoth(dir, cmd.invalid!.argv(ID, cmd.task ?? "task-1-1"), (text, json) => {
        expectTextError(text, 2, [cmd.invalid!.names]);
        expectJsonError(json, 2, name, [cmd.invalid!.names]);
      });
    },
  );

  it("update-status: an invalid --from status is exit 2", async () => {
    const { dir } = tree();
    await runBoth(dir, ["update-status", ID, "task-1-1", "completed", "--from", "started"], (text, json) => {
      expectTextError(text, 2, ["started"]);
      expectJsonError(json, 2, "update-status", ["started"]);
    });
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))("%s: an unparseable spec is exit 4 with file:line:col", async (name, cmd) => {
    const { dir } = tree();
    // Truncated mid-write, as a crashed writer without an atomic rename would leave it.
    writeTree(dir, { [`specs/active/${ID}.json`]: `{\n  "spec_id": "${ID}",\n  "hierarchy": {\n    "spec-root": {\n` });
    await runBoth(dir, cmd.argv(ID, cmd.task ?? "task-1-1"), (text, json) => {
      expectTextError(text, 4, [`${ID}.json:5:1`, "invalid JSON"]);
      const doc = expectJsonError(json, 4, name, [`${ID}.json:5:1`]);
      expect(doc.error).toMatchObject({ line: 5, column: 1 });
      expect(doc.error.file).toContain(`${ID}.json`);
    });
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))("%s: a spec argument with ../ is exit 2", async (name, cmd) => {
    const { dir } = tree();
    // A real, valid spec outside the specs directory: reachable by path, never writable.
    writeTree(dir, { [`outside/${ID}.json`]: JSON.stringify(blockedSpec(), null, 2) });
    for (const spec of [`../${ID}`, `specs/active/../../outside/${ID}.json`]) {
      await runBoth(dir, cmd.argv(spec, cmd.task ?? "task-1-1"), (text, json) => {
        expectTextError(text, 2, [ID]);
        expectJsonError(json, 2, name, [ID]);
      });
    }
  });
});

describe("success", () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))("%s --json prints one JSON document and writes the change", async (name, cmd) => {
    const { dir, file } = tree();
    const before = readFileSync(file, "utf8");
    const r = await runCli([...cmd.argv(ID, cmd.task ?? "task-1-1"), "--json"], { cwd: dir, env: { SDD_NOW: "2026-02-01T00:00:00Z" } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
    const doc = oneJson(r.stdout);
    expect(doc).toMatchObject({ schema_version: 2, command: name, ok: true, exit_code: 0 });
    const after = readFileSync(file, "utf8");
    if (name === "fix") {
      // The spec is valid: nothing to repair, nothing written.
      expect(doc.specs).toEqual([expect.objectContaining({ spec_id: ID, changed: false, fixed: [] })]);
      expect(after).toBe(before);
      return;
    }
    expect(doc).toMatchObject({ spec_id: ID, changed: true, dry_run: false, history_seq: 1 });
    expect(doc.patch.length).toBeGreaterThan(0);
    expect(after).not.toBe(before);
    expect(JSON.parse(after).last_updated).toBe("2026-02-01T00:00:00.000Z");
    // The file keeps its style: only the changed lines differ.
    expect(after.endsWith("}")).toBe(true);
  });

  it("text output names the change and the roll-ups", async () => {
    const { dir } = tree();
    const r = await runCli(["update-status", ID, "task-1-1", "in_progress"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`task-1-1: pending -> in_progress (${ID})`);
    expect(r.stdout).toContain("phase-1: pending -> in_progress (roll-up)");
  });

  it("a --from mismatch is exit 3 and changes nothing", async () => {
    const { dir } = tree();
    await runBoth(dir, ["update-status", ID, "task-1-1", "completed", "--from", "in_progress"], (text, json) => {
      expectTextError(text, 3, ["task-1-1", "pending", "in_progress"]);
      expect(expectJsonError(json, 3, "update-status", ["task-1-1"]).error.code).toBe("precondition-failed");
    });
  });

  it("unblock-task on a task that is not blocked is exit 3 and changes nothing", async () => {
    const { dir } = tree();
    await runBoth(dir, ["unblock-task", ID, "task-1-1"], (text, json) => {
      expectTextError(text, 3, ["task-1-1", "not blocked"]);
      expectJsonError(json, 3, "unblock-task", ["task-1-1"]);
    });
  });

  it("--dry-run prints the patch and writes nothing", async () => {
    const { dir } = tree();
    await runBoth(dir, ["complete-task", ID, "task-1-1", "--dry-run"], (text, json) => {
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^dry run: /);
      expect(text.stdout).toContain("replace /hierarchy/task-1-1/status");
      expect(json.code).toBe(0);
      const doc = oneJson(json.stdout);
      expect(doc).toMatchObject({ ok: true, dry_run: true, changed: true, journal_entries: 1 });
      expect(doc.patch).toContainEqual({ op: "replace", path: "/hierarchy/task-1-1/status", value: "completed" });
    });
  });
});

describe("history", () => {
  it("sdd history SPEC --json lists every change with its patch", async () => {
    const { dir } = tree();
    const env = { SDD_NOW: "2026-02-01T00:00:00Z" };
    expect((await runCli(["update-status", ID, "task-1-1", "in_progress"], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(["complete-task", ID, "task-1-1"], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(["add-journal", ID, "--title", "Note", "--content", "c"], { cwd: dir, env })).code).toBe(0);
    const r = await runCli(["history", ID, "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = oneJson(r.stdout);
    expect(doc).toMatchObject({ command: "history", ok: true, spec_id: ID });
    expect(doc.entries.map((e: any) => [e.seq, e.command])).toEqual([
      [1, "update-status"],
      [2, "complete-task"],
      [3, "add-journal"],
    ]);
    expect(doc.entries[0].patch).toContainEqual({ op: "replace", path: "/hierarchy/task-1-1/status", value: "in_progress" });
    expect(doc.entries[0].patch).toContainEqual({
      op: "add",
      path: "/hierarchy/task-1-1/metadata/started_at",
      value: "2026-02-01T00:00:00.000Z",
    });
    expect(doc.entries[1].patch).toContainEqual(expect.objectContaining({ op: "add", path: "/journal/0" }));
    for (const e of doc.entries) expect(e.timestamp).toBe("2026-02-01T00:00:00.000Z");

    const text = await runCli(["history", ID, "--limit", "1"], { cwd: dir });
    expect(text.stdout).toMatch(/^#3 2026-02-01T00:00:00.000Z add-journal\n/);
  });

  it("a spec with no writes has an empty history; a missing spec is exit 2", async () => {
    const { dir } = tree();
    expect(oneJson((await runCli(["history", ID, "--json"], { cwd: dir })).stdout).entries).toEqual([]);
    expectTextError(await runCli(["history", MISSING_ID], { cwd: dir }), 2, [MISSING_ID]);
  });
});

describe("fix and validate --fix", () => {
  /** Wrong roll-up counts and a one-sided dependency: both have safe repairs. */
  function brokenTree(): { dir: string; file: string } {
    const spec = makeSpec(ID, (s) => {
      s.hierarchy["spec-root"].total_tasks = 7;
      s.hierarchy["phase-1"].completed_tasks = 2;
      s.hierarchy["task-1-1"].dependencies.blocks = ["task-1-2"];
    });
    const dir = specsTree([{ spec }]);
    return { dir, file: join(dir, "specs", "active", `${ID}.json`) };
  }

  it("validate reports the defects first", async () => {
    const { dir } = brokenTree();
    const r = await runCli(["validate", "--json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(
      oneJson(r.stdout)
        .findings.map((f: any) => f.code)
        .sort(),
    ).toEqual(["dependency-asymmetric", "rollup-mismatch", "rollup-mismatch"]);
  });

  it("fix --dry-run prints the JSON Patch and writes nothing", async () => {
    const { dir } = brokenTree();
    await runBoth(dir, ["fix", ID, "--dry-run"], (text, json) => {
      expect(text.code).toBe(0);
      expect(text.stdout).toContain("dry run:");
      expect(text.stdout).toContain("add /hierarchy/task-1-2/dependencies");
      expect(text.stdout).toContain("replace /hierarchy/spec-root/total_tasks 3");
      expect(json.code).toBe(0);
      const spec = oneJson(json.stdout).specs[0];
      expect(spec).toMatchObject({ spec_id: ID, dry_run: true, changed: true });
      expect(spec.patch).toEqual(
        expect.arrayContaining([
          { op: "add", path: "/hierarchy/task-1-2/dependencies", value: { blocked_by: ["task-1-1"] } },
          { op: "replace", path: "/hierarchy/phase-1/completed_tasks", value: 0 },
          { op: "replace", path: "/hierarchy/spec-root/total_tasks", value: 3 },
        ]),
      );
    });
  });

  it.each([
    ["fix", ["fix", ID]],
    ["validate --fix", ["validate", "--fix"]],
  ])("%s repairs the spec and reports what was saved", async (_name, argv) => {
    const { dir, file } = brokenTree();
    const r = await runCli([...argv, "--json"], { cwd: dir });
    expect(r.code, r.stdout).toBe(0);
    const doc = oneJson(r.stdout);
    expect(doc).toMatchObject({ command: "fix", ok: true, findings: [] });
    expect(doc.specs).toHaveLength(1);
    const spec = doc.specs[0];
    expect(spec).toMatchObject({ spec_id: ID, dry_run: false, changed: true, history_seq: 1 });
    expect(spec.fixed.map((f: any) => f.code).sort()).toEqual(["dependency-asymmetric", "rollup-mismatch", "rollup-mismatch"]);

    const saved = JSON.parse(readFileSync(file, "utf8"));
    expect(saved.hierarchy["spec-root"].total_tasks).toBe(3);
    expect(saved.hierarchy["phase-1"].completed_tasks).toBe(0);
    expect(saved.hierarchy["task-1-2"].dependencies).toEqual({ blocked_by: ["task-1-1"] });
    const v = await runCli(["validate"], { cwd: dir });
    expect(v.code, v.stdout).toBe(0);

    const history = oneJson((await runCli(["history", ID, "--json"], { cwd: dir })).stdout);
    expect(history.entries).toHaveLength(1);
    expect(history.entries[0].patch).toEqual(spec.patch);
  });

  it("text mode says what was repaired and where it was saved", async () => {
    const { dir, file } = brokenTree();
    const r = await runCli(["fix", ID], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${ID}: repaired 3 finding(s); saved 4 operation(s) to ${file}`);
    expect(r.stdout).toContain("[dependency-asymmetric]");
  });
});
