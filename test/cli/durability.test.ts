/**
 * What a write keeps and refuses, through the real binary: the file's mode, numbers JSON
 * cannot hold, duplicate keys (refused until `sdd fix`), symlinks where sdd keeps its own
 * files, a history that cannot be appended once the change is written (success with a
 * warning), operating-system errors (exit 4 naming the file), and what `doctor` finds.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, makeSpec, oneJson, runCli, specsTree, tempTree, type RunResult } from "../helpers.js";

const ID = "demo-2026-01-01-001";

function tree(raw?: string): { dir: string; specs: string; file: string } {
  const dir = specsTree([{ spec: makeSpec(ID), ...(raw === undefined ? {} : { raw }) }]);
  const specs = join(dir, "specs");
  return { dir, specs, file: join(specs, "active", `${ID}.json`) };
}

const journal = (specs: string, title: string): string[] => ["add-journal", ID, "--title", title, "--content", "c", "--specs-dir", specs];

/**
 * Whether the CLI can run as the unprivileged user at all: a clone under a private folder
 * (mktemp -d makes them 0700) is out of that user's reach, and then these cases cannot run.
 */
const UNPRIVILEGED_REACHES_BIN =
  process.getuid?.() !== 0 || spawnSync(process.execPath, [BIN, "--version"], { uid: 65534, gid: 65534, stdio: "ignore" }).status === 0;

/** Run the CLI as an unprivileged user (as root, permissions would not be enforced). */
function runUnprivileged(args: string[], cwd: string): Promise<RunResult> {
  const asRoot = process.getuid?.() === 0;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function chownTree(dir: string): void {
  if (process.getuid?.() !== 0) return;
  chownSync(dir, 65534, 65534);
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) chownTree(p);
    else chownSync(p, 65534, 65534);
  }
}

describe("a write keeps", () => {
  it("the mode of the file it replaces, and gives the backup the same mode", async () => {
    const { specs, file, dir } = tree();
    chmodSync(file, 0o600);
    const r = await runCli(journal(specs, "mode"), { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const backups = join(specs, ".backups", ID);
    const [backup] = readdirSync(backups);
    expect(statSync(join(backups, backup as string)).mode & 0o777).toBe(0o600);
  });

  it("numbers JSON cannot hold (1E400, -1e999) as written, on an unrelated change", async () => {
    const raw = JSON.stringify(makeSpec(ID), null, 2).replace(
      '"metadata": {\n    "title"',
      '"metadata": {\n    "big": 1E400,\n    "small": -1e999,\n    "title"',
    );
    const { specs, file, dir } = tree(raw);
    const r = await runCli(journal(specs, "numbers"), { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).toContain('"big": 1E400');
    expect(text).toContain('"small": -1e999');
    expect(text).not.toContain("null,");
  });
});

describe("a write refuses", () => {
  it("a file with duplicate keys (exit 1, line:col, nothing written); sdd fix keeps the last of each", async () => {
    const raw = JSON.stringify(makeSpec(ID), null, 2).replace(
      '"title": "Demo",\n  "generated"',
      '"title": "Demo",\n  "title": "Other",\n  "generated"',
    );
    const { specs, file, dir } = tree(raw);
    const r = await runCli([...journal(specs, "dup"), "--json"], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = oneJson(r.stdout);
    expect(doc.error.code).toBe("duplicate-keys");
    expect(doc.error.message).toMatch(new RegExp(`${ID}\\.json:4:3: key "title" appears more than once`));
    expect(doc.error.fix).toContain("sdd fix");
    expect(readFileSync(file, "utf8")).toBe(raw);

    const f = await runCli(["fix", ID, "--specs-dir", specs], { cwd: dir });
    expect(f.code, f.stdout + f.stderr).toBe(0);
    const fixed = readFileSync(file, "utf8");
    expect(fixed.match(/"title": "Other"/g)?.length).toBe(1);
    expect(fixed).not.toContain('"title": "Demo",\n  "generated"');
    expect((await runCli(journal(specs, "after fix"), { cwd: dir })).code).toBe(0);
  });

  it("symlinks where it keeps backups and history: nothing outside is written or deleted", async () => {
    const { specs, file, dir } = tree();
    const outside = tempTree({ "keep-1.json": "1", "00000001.json": "outside", "00000002.json": "outside", "log.jsonl": "outside\n" });
    mkdirSync(join(specs, ".backups"), { recursive: true });
    symlinkSync(outside, join(specs, ".backups", ID));
    const before = readFileSync(file);
    const r = await runCli([...journal(specs, "link"), "--json"], { cwd: dir });
    expect(r.code).toBe(4);
    expect(oneJson(r.stdout).error).toMatchObject({ code: "symlink-refused" });
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(outside).sort()).toEqual(["00000001.json", "00000002.json", "keep-1.json", "log.jsonl"]);

    const t2 = tree();
    mkdirSync(join(t2.specs, ".history"), { recursive: true });
    symlinkSync(join(outside, "log.jsonl"), join(t2.specs, ".history", `${ID}.jsonl`));
    const h = await runCli([...journal(t2.specs, "link"), "--json"], { cwd: t2.dir });
    expect(h.code).toBe(4);
    expect(oneJson(h.stdout).error).toMatchObject({ code: "symlink-refused" });
    expect(readFileSync(join(outside, "log.jsonl"), "utf8")).toBe("outside\n");
  });
});

describe("paths a user gives", () => {
  it("through a symlinked folder that points outside the project are refused (log render --output, --baseline)", async () => {
    const { dir } = tree();
    const outside = tempTree();
    symlinkSync(outside, join(dir, "link"));
    const render = await runCli(["log", "render", "--output", "link/log.md"], { cwd: dir });
    expect(render.code, render.stderr).toBe(2);
    expect(render.stderr).toContain("outside the project");
    const base = await runCli(["check-journaling", "--update-baseline", "--baseline", "link/baseline.json"], { cwd: dir });
    expect(base.code, base.stderr).toBe(2);
    expect(base.stderr).toContain("outside the project");
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe("errors after and around the write", () => {
  it.skipIf(!UNPRIVILEGED_REACHES_BIN)(
    "a history that cannot be appended once the change is written: exit 0 with a warning naming the file",
    async () => {
      const { specs, file, dir } = tree();
      expect((await runCli(journal(specs, "first"), { cwd: dir })).code).toBe(0);
      const hist = join(specs, ".history", `${ID}.jsonl`);
      chmodSync(hist, 0o444);
      chownTree(dir);
      const r = await runUnprivileged([...journal(specs, "second"), "--json"], dir);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const doc = oneJson(r.stdout);
      expect(doc.ok).toBe(true);
      expect(doc.warnings?.[0]).toContain(hist);
      expect(doc.history_seq).toBeUndefined();
      expect(JSON.parse(readFileSync(file, "utf8")).journal.map((e: { title: string }) => e.title)).toEqual(["first", "second"]);
      const text = await runUnprivileged(journal(specs, "third"), dir);
      expect(text.code).toBe(0);
      expect(text.stderr).toMatch(/^warning: the change was written, but not recorded in the history: .*EACCES: permission denied/m);
      expect(text.stderr).not.toContain("EACCES: EACCES");
    },
  );

  it("an OS error during a move is exit 4 naming the file, not an internal error", async () => {
    const { specs, file, dir } = tree();
    // completed/ is a file: the move cannot make its folder.
    writeFileSync(join(specs, "completed"), "not a folder");
    const before = readFileSync(file);
    const r = await runCli(["move-spec", ID, "completed", "--force", "--specs-dir", specs], { cwd: dir });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain(join(specs, "completed"));
    expect(r.stderr).not.toContain("internal error");
    expect(r.stderr).not.toMatch(/(E[A-Z]+): \1/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it.skipIf(!UNPRIVILEGED_REACHES_BIN)("a read-only target folder: exit 4 naming it, nothing moved", async () => {
    const { specs, file, dir } = tree();
    mkdirSync(join(specs, "archived"));
    chmodSync(join(specs, "archived"), 0o555);
    chownTree(dir);
    const r = await runUnprivileged(["move-spec", ID, "archived", "--specs-dir", specs], dir);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain(join(specs, "archived"));
    expect(r.stderr).not.toContain("internal error");
    expect(r.stderr).not.toContain("EACCES: EACCES");
    expect(existsSync(file)).toBe(true);
  });
});

describe("doctor", () => {
  it("finds temp files in backups, history and work items, stale work-item locks and orphaned lock tokens; --fix removes them", async () => {
    const { specs, dir } = tree();
    const old = new Date(Date.now() - 3_600_000);
    const files = [
      join(specs, ".backups", ID, `.00000003.json.4242.0a0b0c0d.sdd-tmp`),
      join(specs, ".history", `.${ID}.move.4242.0a0b0c0d.sdd-tmp`),
      join(dir, "work-items", `.2026-01-01-x.json.4242.0a0b0c0d.sdd-tmp`),
      join(specs, ".locks", `${ID}.lock.owner`),
    ];
    for (const f of files) {
      mkdirSync(join(f, ".."), { recursive: true });
      writeFileSync(f, "x");
      utimesSync(f, old, old);
    }
    const itemLock = join(dir, "work-items", ".locks", "item-2026-01-01-x.lock");
    mkdirSync(itemLock, { recursive: true });
    utimesSync(itemLock, old, old);
    const r = await runCli(["doctor", "--json", "--specs-dir", specs], { cwd: dir });
    expect(r.code).toBe(1);
    const kinds = (oneJson(r.stdout).problems as { kind: string; file: string }[]).map((p) => `${p.kind} ${p.file}`).sort();
    expect(kinds).toEqual(
      [
        `stale-lock specs/.locks/${ID}.lock.owner`,
        "stale-lock work-items/.locks/item-2026-01-01-x.lock",
        `temp-file specs/.backups/${ID}/.00000003.json.4242.0a0b0c0d.sdd-tmp`,
        `temp-file specs/.history/.${ID}.move.4242.0a0b0c0d.sdd-tmp`,
        "temp-file work-items/.2026-01-01-x.json.4242.0a0b0c0d.sdd-tmp",
      ].sort(),
    );
    const f = await runCli(["doctor", "--fix", "--json", "--specs-dir", specs], { cwd: dir });
    expect(f.code, f.stdout).toBe(0);
    expect([...files, itemLock].filter((p) => existsSync(p))).toEqual([]);
  });

  it("finishes a move a crash interrupted between its renames", async () => {
    const { specs, file, dir } = tree();
    // Build the state a kill between the two renames leaves: run a real move, then put the
    // old content back in the new folder with the marker and temp file the move had written.
    const r = await runCli(["move-spec", ID, "archived", "--specs-dir", specs, "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    const moved = join(specs, "archived", `${ID}.json`);
    const after = readFileSync(moved);
    const backups = join(specs, ".backups", ID);
    const beforeBytes = readFileSync(join(backups, readdirSync(backups)[0] as string));
    const histFile = join(specs, ".history", `${ID}.jsonl`);
    const entry = JSON.parse(readFileSync(histFile, "utf8").trim());
    writeFileSync(histFile, "");
    const temp = `archived/.${ID}.json.1.deadbeef.sdd-tmp`;
    writeFileSync(join(specs, temp), after);
    writeFileSync(moved, beforeBytes);
    const { createHash } = await import("node:crypto");
    const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
    writeFileSync(
      join(specs, ".history", `${ID}.move`),
      JSON.stringify({ from: `active/${ID}.json`, to: `archived/${ID}.json`, temp, before: sha(beforeBytes), after: sha(after), entry }),
    );
    const d = await runCli(["doctor", "--json", "--specs-dir", specs], { cwd: dir });
    expect(oneJson(d.stdout).problems.map((p: { kind: string }) => p.kind)).toContain("unfinished-move");
    const fx = await runCli(["doctor", "--fix", "--json", "--specs-dir", specs], { cwd: dir });
    expect(fx.code, fx.stdout).toBe(0);
    expect(readFileSync(moved).equals(after)).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(join(specs, temp))).toBe(false);
    expect(JSON.parse(readFileSync(histFile, "utf8").trim())).toEqual(entry);
  });
});

describe("the merge driver", () => {
  it("refuses (exit 1, markers) a merge whose result fails validation although both sides pass", async () => {
    const base = makeSpec(ID);
    const ours = makeSpec(ID, (s) => {
      delete s.hierarchy["task-1-2"];
      s.hierarchy["phase-1"].children = ["task-1-1", "verify-1-1"];
      s.hierarchy["phase-1"].total_tasks = 2;
      s.hierarchy["spec-root"].total_tasks = 2;
    });
    const theirs = makeSpec(ID, (s) => {
      s.hierarchy["task-1-1"].dependencies.depends = ["task-1-2"];
    });
    const dir = tempTree({ "base.json": base, "ours.json": ours, "theirs.json": theirs });
    for (const [side, spec] of [
      ["ours", ours],
      ["theirs", theirs],
    ] as const) {
      const one = specsTree([{ spec }]);
      const v = await runCli(["validate", "--specs-dir", join(one, "specs")], { cwd: one });
      expect(v.code, `${side}: ${v.stdout}`).toBe(0);
    }
    const r = await runCli(["merge-driver", "base.json", "ours.json", "theirs.json", `specs/active/${ID}.json`, "--json"], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const doc = oneJson(r.stdout);
    expect(doc.merged).toBe(false);
    expect(doc.invalid.join("\n")).toContain("task-1-2");
    expect(readFileSync(join(dir, "ours.json"), "utf8").startsWith("<<<<<<< ours\n")).toBe(true);
  });
});

describe("input hygiene", () => {
  it("--entry-type takes only the listed types, an empty title is refused, long text comes from stdin or a file", async () => {
    const { specs, file, dir } = tree();
    const before = readFileSync(file);
    const bad = await runCli([...journal(specs, "t"), "--entry-type", "bogus"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("status_change");
    const empty = await runCli(journal(specs, "  "), { cwd: dir });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("--title is empty");
    expect(readFileSync(file).equals(before)).toBe(true);

    const long = "x".repeat(200 * 1024);
    const fromStdin = await runCli(["add-journal", ID, "--title", "long", "--content-file", "-", "--specs-dir", specs], {
      cwd: dir,
      input: long,
    });
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    writeFileSync(join(dir, "note.txt"), "a note from a file\n");
    const note = await runCli(["complete-task", ID, "task-1-1", "--note-file", "note.txt", "--specs-dir", specs], { cwd: dir });
    expect(note.code, note.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    expect(doc.journal[0].content).toBe(long);
    expect(doc.hierarchy["task-1-1"].metadata.status_note).toBe("a note from a file");
  });
});

describe("stored text on a terminal", () => {
  it("control characters in a title are shown escaped, not sent to the terminal", async () => {
    const { run } = await import("../../src/cli.js");
    const { specs, dir } = tree();
    const r = await runCli([...journal(specs, "x"), "--title", "ok"], { cwd: dir });
    expect(r.code).toBe(0);
    const file = join(specs, "active", `${ID}.json`);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    doc.hierarchy["task-1-1"].title = "Evil\u001b]0;owned\u0007\rtitle";
    writeFileSync(file, JSON.stringify(doc, null, 2));
    let out = "";
    const io = {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1" },
      stdout: (s: string) => (out += s),
      stderr: () => undefined,
      stdoutIsTTY: true,
      stdinIsTTY: false,
    };
    await run(["task-info", ID, "task-1-1", "--specs-dir", specs], io);
    expect(out).toContain("Evil\\x1b]0;owned\\x07\\x0dtitle");
    expect(out).not.toContain("\u001b]");
    expect(out).not.toContain("\r");
  });
});
