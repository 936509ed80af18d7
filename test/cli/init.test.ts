/**
 * `sdd init`: scaffolds a project idempotently, never overwrites a file, puts
 * the specs under meta/ where the project keeps its tooling there, and the config it writes
 * is what discovery finds from anywhere in the repository.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import AjvModule from "ajv";
import { describe, expect, it } from "vitest";
import { oneJson, REPO_ROOT, runCli, tempTree } from "../helpers.js";

const Ajv = AjvModule.default;
const validateConfig = new Ajv({ allErrors: true, strict: false }).compile(
  JSON.parse(readFileSync(join(REPO_ROOT, "schemas", "config.schema.json"), "utf8")) as object,
);

const FOLDERS = ["pending", "active", "completed", "archived"];

/** An empty git repository (realpath: discovery reports resolved paths). */
function gitRepo(files: Record<string, string> = {}): string {
  const dir = realpathSync(tempTree(files));
  execFileSync("git", ["init", "-q"], { cwd: dir });
  return dir;
}

/** Every file under `dir` (outside .git) with its bytes, to prove a run changed nothing. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== ".git") walk(p);
      } else files.set(relative(dir, p), readFileSync(p).toString("base64"));
    }
  };
  walk(dir);
  return files;
}

const isDir = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;

describe("sdd init in an empty git repository", () => {
  it("creates the config, the spec folders, the work-item folder, a workflow and an executable hook", async () => {
    const root = gitRepo();
    const r = await runCli(["init", "--json"], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const doc = oneJson(r.stdout);
    expect(doc).toMatchObject({ command: "init", ok: true, root, kept: [], specsDir: "specs" });

    const config = JSON.parse(readFileSync(join(root, "sdd.config.json"), "utf8")) as Record<string, any>;
    expect(validateConfig(config), JSON.stringify(validateConfig.errors)).toBe(true);
    expect(config.specsDir).toBe("specs");

    for (const f of FOLDERS) expect(isDir(join(root, "specs", f)), f).toBe(true);
    expect(isDir(join(root, config.workItemsDir as string))).toBe(true);
    expect(readFileSync(join(root, ".github", "workflows", "sdd.yml"), "utf8")).toContain("sdd ci");
    const hook = join(root, ".githooks", "pre-commit");
    expect(readFileSync(hook, "utf8")).toMatch(/^#!\/bin\/sh\n/);
    expect(statSync(hook).mode & 0o111).toBe(0o111);
    execFileSync("sh", ["-n", hook]);

    expect(doc.created).toEqual(
      expect.arrayContaining([
        "sdd.config.json",
        ...FOLDERS.map((f) => `specs/${f}/.gitkeep`),
        `${config.workItemsDir}/.gitkeep`,
        ".github/workflows/sdd.yml",
        ".githooks/pre-commit",
      ]),
    );
    // Everything reported as created exists, and nothing else was written.
    const written = [...snapshot(root).keys()].sort();
    expect(written).toEqual([...(doc.created as string[])].sort());
  });

  it("prints what it created in text mode, and the fresh project passes sdd ci", async () => {
    const root = gitRepo();
    const r = await runCli(["init"], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("created sdd.config.json\n");
    expect(r.stdout).toContain("created .githooks/pre-commit\n");
    expect(r.stderr).toBe("");
    const ci = await runCli(["ci"], { cwd: root });
    expect(ci.code, ci.stdout + ci.stderr).toBe(0);
  });

  it("a second run creates nothing and reports every file as kept", async () => {
    const root = gitRepo();
    const first = oneJson((await runCli(["init", "--json"], { cwd: root })).stdout);
    const before = snapshot(root);

    const second = await runCli(["init", "--json"], { cwd: root });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const doc = oneJson(second.stdout);
    expect(doc.created).toEqual([]);
    expect(doc.kept).toEqual(first.created);
    expect(snapshot(root)).toEqual(before);

    const text = await runCli(["init"], { cwd: root });
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      ...(first.created as string[]).map((f) => `kept    ${f} (exists)`),
      `kept    git config sdd.command ${JSON.stringify(first.sddCommand.value)}`,
      "nothing to do: already initialised",
    ]);
    expect(snapshot(root)).toEqual(before);
  });
});

describe("an existing sdd.config.json", () => {
  it("is never overwritten, and the folders it names are the ones scaffolded", async () => {
    const mine = '{\n    "specsDir": "plans/specs",\n    "workItemsDir": "plans/items",\n    "lockTimeoutMs": 2000\n}';
    const root = gitRepo({ "sdd.config.json": mine });
    const r = await runCli(["init", "--json"], { cwd: root });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = oneJson(r.stdout);
    expect(doc.kept).toEqual(["sdd.config.json"]);
    expect(doc.created).not.toContain("sdd.config.json");
    expect(readFileSync(join(root, "sdd.config.json"), "utf8")).toBe(mine);

    // The config is kept, so the project it describes is what gets scaffolded.
    expect(doc.specsDir).toBe("plans/specs");
    for (const f of FOLDERS) expect(isDir(join(root, "plans", "specs", f)), f).toBe(true);
    expect(isDir(join(root, "plans", "items"))).toBe(true);
    expect(isDir(join(root, "specs"))).toBe(false);
    const found = await runCli(["find-specs", "--json"], { cwd: root });
    expect(found.code, found.stdout).toBe(0);
    expect(oneJson(found.stdout)).toMatchObject({ specs_dir: join(root, "plans", "specs"), source: "config", exists: true });

    const again = await runCli(["init"], { cwd: root });
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(root, "sdd.config.json"), "utf8")).toBe(mine);
  });

  it("with other keys only: kept byte for byte, the default folders scaffolded", async () => {
    const mine = '{"lockTimeoutMs":1500,"rules":{"stale-metadata":"off"}}';
    const root = gitRepo({ "sdd.config.json": mine });
    const r = await runCli(["init", "--json"], { cwd: root });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(oneJson(r.stdout).kept).toEqual(["sdd.config.json"]);
    expect(readFileSync(join(root, "sdd.config.json"), "utf8")).toBe(mine);
    for (const f of FOLDERS) expect(isDir(join(root, "specs", f)), f).toBe(true);
  });

  it("that does not parse: exit 4 naming the file and position, nothing written", async () => {
    const mine = '{\n  "specsDir": "plans/specs",\n';
    const root = gitRepo({ "sdd.config.json": mine });
    const r = await runCli(["init"], { cwd: root });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${join(root, "sdd.config.json")}:3:1:`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(readFileSync(join(root, "sdd.config.json"), "utf8")).toBe(mine);
    expect([...snapshot(root).keys()]).toEqual(["sdd.config.json"]);
  });
});

describe("a repository with a meta/ folder", () => {
  it("gets its specs under meta/sdd/specs, and the config is found from a subdirectory", async () => {
    const root = gitRepo({ "meta/README.md": "project tooling\n" });
    const r = await runCli(["init", "--json"], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const doc = oneJson(r.stdout);
    expect(doc.specsDir).toBe("meta/sdd/specs");
    const config = JSON.parse(readFileSync(join(root, "sdd.config.json"), "utf8")) as Record<string, any>;
    expect(validateConfig(config), JSON.stringify(validateConfig.errors)).toBe(true);
    expect(config.specsDir).toBe("meta/sdd/specs");
    for (const f of FOLDERS) expect(isDir(join(root, "meta", "sdd", "specs", f)), f).toBe(true);
    expect(isDir(join(root, "specs"))).toBe(false);
    expect(isDir(join(root, config.workItemsDir as string))).toBe(true);

    const nested = join(root, "packages", "app", "src");
    mkdirSync(nested, { recursive: true });
    const found = await runCli(["find-specs", "--json"], { cwd: nested });
    expect(found.code, found.stdout).toBe(0);
    expect(oneJson(found.stdout)).toMatchObject({
      specs_dir: join(root, "meta", "sdd", "specs"),
      exists: true,
      source: "config",
      config_file: join(root, "sdd.config.json"),
    });
  });

  it("run from a subdirectory, scaffolds at the repository root", async () => {
    const root = gitRepo({ "meta/.keep": "" });
    const nested = join(root, "docs", "guide");
    mkdirSync(nested, { recursive: true });
    const r = await runCli(["init", "--json"], { cwd: nested });
    expect(r.code, r.stderr).toBe(0);
    expect(oneJson(r.stdout)).toMatchObject({ root, specsDir: "meta/sdd/specs" });
    expect(statSync(join(root, "sdd.config.json")).isFile()).toBe(true);
    expect(readdirSync(nested)).toEqual([]);
  });
});

describe("sdd init's config file", () => {
  it("is valid even when written for a specs directory given on the command line", async () => {
    const root = gitRepo();
    const r = await runCli(["init", "--specs-dir", "project/specs", "--json"], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(readFileSync(join(root, "sdd.config.json"), "utf8")) as Record<string, any>;
    expect(validateConfig(config), JSON.stringify(validateConfig.errors)).toBe(true);
    expect(config.specsDir).toBe("project/specs");
    for (const f of FOLDERS) expect(isDir(join(root, "project", "specs", f)), f).toBe(true);
  });
});
