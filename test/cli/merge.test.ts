/**
 * `sdd merge-driver` and `sdd init --merge-driver` with real git repositories: branches
 * changing the same spec or work item merge through the driver, and a real conflict leaves
 * both versions behind markers.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeDriverValue } from "../../src/core/init/command.js";
import { BIN, makeSpec, oneJson, runCli, tempTree, writeTree } from "../helpers.js";

const ID = "demo-2026-01-01-001";
const SPEC = `specs/active/${ID}.json`;
const WORK_ITEM = "work-items/wi-1.json";
/** How git runs the driver: this checkout's build, whatever is on PATH. */
const DRIVER = `'${process.execPath}' '${BIN}'`;

interface Repo {
  dir: string;
  env: Record<string, string>;
  git: (...args: string[]) => { code: number | null; out: string };
}

/** A git repository in a temp dir, isolated from the user's and the system's git config. */
function newRepo(files: Record<string, string | object>): Repo {
  const dir = tempTree(files);
  const env: Record<string, string> = { HOME: dir, XDG_CONFIG_HOME: dir, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0" };
  const git = (...args: string[]): { code: number | null; out: string } => {
    const r = spawnSync("git", args, { cwd: dir, env: { ...process.env, ...env }, encoding: "utf8" });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const must = (...args: string[]): void => {
    const r = git(...args);
    if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.out}`);
  };
  must("init", "-q", "-b", "main");
  must("config", "user.name", "Test");
  must("config", "user.email", "test@example.com");
  must("config", "commit.gpgsign", "false");
  return { dir, env, git };
}

function ok(r: { code: number | null; out: string }): string {
  expect(r.out).not.toContain("CONFLICT");
  expect(r.code, r.out).toBe(0);
  return r.out;
}

/** A repository with the demo spec and a work item committed on main, the driver registered. */
async function initialisedRepo(workItem?: object, editSpec?: (s: Record<string, any>) => void): Promise<Repo> {
  const files: Record<string, string | object> = { [SPEC]: JSON.stringify(makeSpec(ID, editSpec), null, 2) + "\n" };
  if (workItem !== undefined) files[WORK_ITEM] = JSON.stringify(workItem, null, 2) + "\n";
  const repo = newRepo(files);
  const init = await runCli(["init", "--merge-driver", "--driver-command", DRIVER, "--specs-dir", "specs"], {
    cwd: repo.dir,
    env: repo.env,
  });
  expect(init.code, init.stderr).toBe(0);
  ok(repo.git("add", "-A"));
  ok(repo.git("commit", "-q", "-m", "base"));
  return repo;
}

async function sdd(repo: Repo, args: string[], now?: string) {
  return runCli([...args, "--specs-dir", "specs"], { cwd: repo.dir, env: { ...repo.env, ...(now === undefined ? {} : { SDD_NOW: now }) } });
}

function readJson(repo: Repo, rel: string): Record<string, any> {
  return JSON.parse(readFileSync(join(repo.dir, rel), "utf8")) as Record<string, any>;
}

function editJson(repo: Repo, rel: string, edit: (v: Record<string, any>) => void): void {
  const v = readJson(repo, rel);
  edit(v);
  writeFileSync(join(repo.dir, rel), JSON.stringify(v, null, 2) + "\n");
}

const workItem = {
  schema_version: 1,
  id: "wi-1",
  state: "open",
  tags: ["FEATURE"],
  title: "Ship the demo",
  fields: [
    { key: "Owner", value: "ann" },
    { key: "Summary", value: "started" },
  ],
};

describe("sdd init --merge-driver", () => {
  it("adds the .gitattributes lines and the git config once, however often it runs", async () => {
    const repo = newRepo({ ".gitattributes": "*.png binary", [SPEC]: makeSpec(ID) });
    const args = ["init", "--merge-driver", "--driver-command", DRIVER, "--specs-dir", "specs"];
    const first = await runCli(args, { cwd: repo.dir, env: repo.env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("added   .gitattributes: specs/**/*.json merge=sdd");
    expect(first.stdout).toContain("added   .gitattributes: work-items/*.json merge=sdd");
    const second = await runCli([...args, "--json"], { cwd: repo.dir, env: repo.env });
    expect(second.code).toBe(0);
    const report = oneJson(second.stdout);
    expect(report.mergeDriver.added).toEqual([]);
    expect(report.mergeDriver.config.every((c: { changed: boolean }) => !c.changed)).toBe(true);

    const attributes = readFileSync(join(repo.dir, ".gitattributes"), "utf8");
    expect(attributes.startsWith("*.png binary\n")).toBe(true);
    expect(attributes.split("\n").filter((l) => l === "specs/**/*.json merge=sdd")).toHaveLength(1);
    expect(attributes.split("\n").filter((l) => l === "work-items/*.json merge=sdd")).toHaveLength(1);
    expect(repo.git("config", "merge.sdd.driver").out.trim()).toBe(mergeDriverValue(DRIVER));
    expect(repo.git("config", "sdd.command").out.trim()).toBe(DRIVER);
    expect(repo.git("config", "merge.sdd.name").out.trim()).toBe("sdd semantic JSON merge");
    expect(repo.git("check-attr", "merge", "--", SPEC).out.trim()).toBe(`${SPEC}: merge: sdd`);
  });

  it("uses the config's workItemsDir and defaults the command to this sdd (node and its absolute path when not on PATH)", async () => {
    const repo = newRepo({ "sdd.config.json": { specsDir: "meta/specs", workItemsDir: "meta/items" }, "meta/specs/active/.gitkeep": "" });
    const r = await runCli(["init", "--merge-driver"], {
      cwd: repo.dir,
      env: { ...repo.env, PATH: dirname(process.execPath) + ":/usr/bin:/bin" },
    });
    expect(r.code, r.stderr).toBe(0);
    const attributes = readFileSync(join(repo.dir, ".gitattributes"), "utf8");
    expect(attributes).toContain("meta/specs/**/*.json merge=sdd\n");
    expect(attributes).toContain("meta/items/*.json merge=sdd\n");
    const self = `${process.execPath} ${realpathSync(BIN)}`;
    expect(repo.git("config", "sdd.command").out.trim()).toBe(self);
    expect(repo.git("config", "merge.sdd.driver").out.trim()).toBe(mergeDriverValue(self));
  });

  it("refuses outside a git repository (exit 2, no stack trace)", async () => {
    const dir = tempTree({ "specs/active/.gitkeep": "" });
    const r = await runCli(["init", "--merge-driver", "--path", "."], {
      cwd: dir,
      env: { HOME: dir, GIT_CONFIG_NOSYSTEM: "1", GIT_CEILING_DIRECTORIES: dir },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not a git repository");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir)).toEqual(["specs"]);
  });
});

describe("git merge with sdd merge-driver", () => {
  it("merges two branches that each completed a different task; the result validates and is journaled", async () => {
    const repo = await initialisedRepo();
    ok(repo.git("checkout", "-q", "-b", "agent-a"));
    expect((await sdd(repo, ["complete-task", ID, "task-1-1"], "2026-01-02T10:00:00Z")).code).toBe(0);
    ok(repo.git("commit", "-q", "-am", "a: task-1-1"));
    ok(repo.git("checkout", "-q", "-b", "agent-b", "main"));
    expect((await sdd(repo, ["complete-task", ID, "task-1-2"], "2026-01-03T10:00:00Z")).code).toBe(0);
    ok(repo.git("commit", "-q", "-am", "b: task-1-2"));
    ok(repo.git("checkout", "-q", "agent-a"));

    ok(repo.git("merge", "--no-edit", "agent-b"));
    expect(repo.git("status", "--porcelain").out).toBe("");

    const text = readFileSync(join(repo.dir, SPEC), "utf8");
    expect(text).not.toContain("<<<<<<<");
    const spec = JSON.parse(text) as Record<string, any>;
    expect(spec.hierarchy["task-1-1"].status).toBe("completed");
    expect(spec.hierarchy["task-1-2"].status).toBe("completed");
    expect(spec.hierarchy["phase-1"].completed_tasks).toBe(2);
    expect(spec.hierarchy["spec-root"].completed_tasks).toBe(2);
    expect(spec.last_updated).toBe("2026-01-03T10:00:00.000Z");
    const ids = (spec.journal as { task_id?: string }[]).map((e) => e.task_id);
    expect(ids.filter((t) => t === "task-1-1")).toHaveLength(1);
    expect(ids.filter((t) => t === "task-1-2")).toHaveLength(1);
    // Written in the file's own style: two-space indent, final newline.
    expect(text.startsWith('{\n  "spec_id"')).toBe(true);
    expect(text.endsWith("}\n")).toBe(true);

    const validate = await sdd(repo, ["validate"]);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    const journaling = await sdd(repo, ["check-journaling"]);
    expect(journaling.code, journaling.stdout + journaling.stderr).toBe(0);
  });

  it("stops on a real conflict and leaves both versions in the file", async () => {
    const repo = await initialisedRepo();
    ok(repo.git("checkout", "-q", "-b", "agent-a"));
    editJson(repo, SPEC, (s) => (s.hierarchy["task-1-1"].title = "Title from A"));
    ok(repo.git("commit", "-q", "-am", "a: rename"));
    ok(repo.git("checkout", "-q", "-b", "agent-b", "main"));
    editJson(repo, SPEC, (s) => (s.hierarchy["task-1-1"].title = "Title from B"));
    ok(repo.git("commit", "-q", "-am", "b: rename"));
    ok(repo.git("checkout", "-q", "agent-a"));

    const merge = repo.git("merge", "--no-edit", "agent-b");
    expect(merge.code).not.toBe(0);
    expect(merge.out).toContain(`CONFLICT (content): Merge conflict in ${SPEC}`);
    expect(merge.out).toContain(`${SPEC}: conflict at /hierarchy/task-1-1/title: ours "Title from A", theirs "Title from B"`);
    expect(merge.out).not.toMatch(/\n\s+at /);

    const text = readFileSync(join(repo.dir, SPEC), "utf8");
    expect(text.startsWith("<<<<<<< ours\n{\n")).toBe(true);
    expect(text).toContain("\n=======\n{\n");
    expect(text.endsWith("}\n>>>>>>> theirs\n")).toBe(true);
    expect(text).toContain('"title": "Title from A"');
    expect(text).toContain('"title": "Title from B"');
    expect(repo.git("status", "--porcelain").out).toContain(`UU ${SPEC}`);
  });

  it("merges work-item files changed in different fields on two branches", async () => {
    const repo = await initialisedRepo(workItem);
    ok(repo.git("checkout", "-q", "-b", "agent-a"));
    editJson(repo, WORK_ITEM, (w) => (w.fields[0].value = "bob"));
    ok(repo.git("commit", "-q", "-am", "a: owner"));
    ok(repo.git("checkout", "-q", "-b", "agent-b", "main"));
    editJson(repo, WORK_ITEM, (w) => {
      w.state = "done";
      w.fields[1].value = "shipped";
      w.fields.push({ key: "Tests", value: "npm test", children: ["all green"] });
    });
    ok(repo.git("commit", "-q", "-am", "b: done"));
    ok(repo.git("checkout", "-q", "agent-a"));

    ok(repo.git("merge", "--no-edit", "agent-b"));
    expect(readJson(repo, WORK_ITEM)).toEqual({
      ...workItem,
      state: "done",
      fields: [
        { key: "Owner", value: "bob" },
        { key: "Summary", value: "shipped" },
        { key: "Tests", value: "npm test", children: ["all green"] },
      ],
    });
  });
});

describe("git merge with sdd merge-driver: the journal and children orders, three-way", () => {
  const note = (timestamp: string, task_id: string, content: string) => ({
    timestamp,
    entry_type: "note",
    title: `Note on ${task_id}`,
    author: "ann",
    content,
    metadata: {},
    task_id,
  });
  const E1 = note("2026-01-02T10:00:00Z", "task-1-1", "first try");
  const E2 = note("2026-01-02T11:00:00Z", "task-1-2", "second try");
  const E3 = note("2026-01-03T09:00:00Z", "verify-1-1", "checked");
  const withJournal = (s: Record<string, any>): void => void (s.journal = [E1, E2]);

  /** main's spec with E1 and E2; agent-a and agent-b each edit it once; agent-b is merged into agent-a. */
  async function mergeBranches(editA: (s: Record<string, any>) => void, editB: (s: Record<string, any>) => void) {
    const repo = await initialisedRepo(undefined, withJournal);
    ok(repo.git("checkout", "-q", "-b", "agent-a"));
    editJson(repo, SPEC, editA);
    ok(repo.git("commit", "-q", "-am", "a"));
    ok(repo.git("checkout", "-q", "-b", "agent-b", "main"));
    editJson(repo, SPEC, editB);
    ok(repo.git("commit", "-q", "-am", "b"));
    ok(repo.git("checkout", "-q", "agent-a"));
    return { repo, merge: repo.git("merge", "--no-edit", "agent-b") };
  }

  it("keeps one side's edited entry once, the other's deletion and new entry, and one side's reordering of children", async () => {
    const { repo, merge } = await mergeBranches(
      (s) => {
        s.journal[0].content = "first try, reviewed";
        s.hierarchy["phase-1"].children = ["task-1-2", "task-1-1", "verify-1-1"];
      },
      (s) => {
        s.journal.splice(1, 1);
        s.journal.push(E3);
      },
    );
    ok(merge);
    expect(repo.git("status", "--porcelain").out).toBe("");
    const spec = readJson(repo, SPEC);
    expect(spec.journal).toEqual([{ ...E1, content: "first try, reviewed" }, E3]);
    expect(spec.hierarchy["phase-1"].children).toEqual(["task-1-2", "task-1-1", "verify-1-1"]);
    const validate = await sdd(repo, ["validate"]);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
  });

  it("stops on an entry edited differently on both sides, one deleted on one side and edited on the other, and two reorderings", async () => {
    const { repo, merge } = await mergeBranches(
      (s) => {
        s.journal[0].content = "A's wording";
        s.journal.splice(1, 1);
        s.hierarchy["phase-1"].children = ["task-1-2", "task-1-1", "verify-1-1"];
      },
      (s) => {
        s.journal[0].content = "B's wording";
        s.journal[1].content = "second try, reviewed";
        s.hierarchy["phase-1"].children = ["verify-1-1", "task-1-1", "task-1-2"];
      },
    );
    expect(merge.code).not.toBe(0);
    expect(merge.out).toContain(`CONFLICT (content): Merge conflict in ${SPEC}`);
    expect(merge.out).toContain(`${SPEC}: conflict at /journal/0: ours {`);
    expect(merge.out).toContain(`${SPEC}: conflict at /journal/1: ours (deleted), theirs {`);
    expect(merge.out).toContain(
      `${SPEC}: conflict at /hierarchy/phase-1/children: ours ["task-1-2","task-1-1","verify-1-1"], theirs ["verify-1-1","task-1-1","task-1-2"]`,
    );
    expect(repo.git("status", "--porcelain").out).toContain(`UU ${SPEC}`);
    const text = readFileSync(join(repo.dir, SPEC), "utf8");
    expect(text.startsWith("<<<<<<< ours\n{\n")).toBe(true);
    expect(text).toContain("A's wording");
    expect(text).toContain("B's wording");
    expect(text.endsWith("}\n>>>>>>> theirs\n")).toBe(true);
  });
});

describe("a merge driver that cannot run", () => {
  it("never leaves OURS silently: both versions between markers, a conflict git reports", async () => {
    const repo = await initialisedRepo();
    // As after an uninstall, or a command recorded on another machine.
    const missing = "/nonexistent/bin/sdd";
    ok(repo.git("config", "merge.sdd.driver", mergeDriverValue(missing)));
    ok(repo.git("checkout", "-q", "-b", "agent-a"));
    expect((await sdd(repo, ["complete-task", ID, "task-1-1"], "2026-01-02T10:00:00Z")).code).toBe(0);
    ok(repo.git("commit", "-q", "-am", "a: task-1-1"));
    ok(repo.git("checkout", "-q", "-b", "agent-b", "main"));
    expect((await sdd(repo, ["complete-task", ID, "task-1-2"], "2026-01-03T10:00:00Z")).code).toBe(0);
    ok(repo.git("commit", "-q", "-am", "b: task-1-2"));
    ok(repo.git("checkout", "-q", "agent-a"));

    const merge = repo.git("merge", "--no-edit", "agent-b");
    expect(merge.code).not.toBe(0);
    expect(merge.out).toContain("CONFLICT");
    expect(merge.out).toContain("sdd merge-driver could not run (exit 127)");
    expect(repo.git("status", "--porcelain").out).toContain(`UU ${SPEC}`);
    const text = readFileSync(join(repo.dir, SPEC), "utf8");
    const [ours, theirs] = text
      .replace(/^<<<<<<< ours\n/, "")
      .replace(/>>>>>>> theirs\n$/, "")
      .split("=======\n");
    expect(text.startsWith("<<<<<<< ours\n")).toBe(true);
    expect(JSON.parse(ours!).hierarchy["task-1-1"].status).toBe("completed");
    expect(JSON.parse(theirs!).hierarchy["task-1-2"].status).toBe("completed");
  });
});

describe("sdd merge-driver run directly", () => {
  it("refuses a side that does not parse: exit 1, both versions kept, the file named", async () => {
    const dir = tempTree({ "base.json": '{"a": 1}\n', "ours.json": '{"a": 2}\n', "theirs.json": '{"a": 1,\n' });
    const r = await runCli(["merge-driver", "base.json", "ours.json", "theirs.json", "specs/x.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("specs/x.json (theirs):2:1: invalid JSON");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(dir, "ours.json"), "utf8")).toBe('<<<<<<< ours\n{"a": 2}\n=======\n{"a": 1,\n>>>>>>> theirs\n');
  });

  it("merges in OURS' style and reports in one JSON document with --json", async () => {
    const dir = tempTree({});
    writeTree(dir, {
      "base.json": '{"t": "caf\\u00e9", "n": 1.0, "a": 1, "b": 1}',
      "ours.json": '{"t": "caf\\u00e9", "n": 1.0, "a": 2, "b": 1}',
      "theirs.json": '{\n    "t": "café",\n    "n": 1,\n    "a": 1,\n    "b": 3\n}\n',
    });
    const r = await runCli(["merge-driver", "base.json", "ours.json", "theirs.json", "--json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(oneJson(r.stdout)).toMatchObject({ command: "merge-driver", ok: true, kind: "json", merged: true, conflicts: [] });
    expect(readFileSync(join(dir, "ours.json"), "utf8")).toBe('{"t": "caf\\u00e9", "n": 1.0, "a": 2, "b": 3}');
  });

  it("merges a file both branches added (git passes an empty base)", async () => {
    const dir = tempTree({ "base.json": "", "ours.json": '{\n  "a": 1\n}\n', "theirs.json": '{\n  "b": 2\n}\n' });
    const r = await runCli(["merge-driver", "base.json", "ours.json", "theirs.json", "x.json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "ours.json"), "utf8")).toBe('{\n  "a": 1,\n  "b": 2\n}\n');
  });

  it("a missing input file is a usage error naming it (exit 2)", async () => {
    const dir = tempTree({ "ours.json": "{}", "theirs.json": "{}" });
    const r = await runCli(["merge-driver", "nope.json", "ours.json", "theirs.json", "specs/x.json"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("specs/x.json (base): no such file");
  });
});
