/**
 * sdd as users get it: the package is packed once (its prepack builds it, in a copy of the
 * repository so this checkout's dist/ is left alone), installed globally into a temp prefix
 * and into a temp project, and run from the clone. With each, `init --merge-driver` sets up
 * a repository in which two branches' completed tasks both survive a git merge and the
 * pre-commit hook judges what is staged. The workflow init writes runs its shell steps
 * with the tarball standing in for the registry.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shellQuote } from "../../src/core/init/command.js";
import { PACKAGE_NAME, VERSION } from "../../src/version.js";
import { BIN, makeSpec, REPO_ROOT } from "../helpers.js";

const ID = "demo-2026-01-01-001";
const SPEC = `specs/active/${ID}.json`;
const GOOD = JSON.stringify(makeSpec(ID), null, 2) + "\n";
/** Without npm's variables of the run that started the tests (its prefix above all). */
const BASE_ENV: Record<string, string> = Object.fromEntries(
  Object.entries(process.env).filter((e): e is [string, string] => !e[0].startsWith("npm_") && e[1] !== undefined),
);
/** A PATH with node and the system tools, and no sdd. */
const PLAIN_PATH = [dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(delimiter);

let work: string;
let tarball: string;
let packedFiles: string[];
let prefix: string;
let project: string;

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run a process to its end (asynchronously: a long synchronous wait would stall the test runner). */
function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...BASE_ENV, NO_COLOR: "1", npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolvePromise({ status, stdout, stderr }));
  });
}

async function must(p: Promise<Ran>, what: string): Promise<string> {
  const r = await p;
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), "sdd-package-")));
  const copy = join(work, "clone");
  mkdirSync(copy);
  for (const f of [
    "package.json",
    "package-lock.json",
    "README.md",
    "LICENSE",
    "tsconfig.json",
    "bin",
    "docs",
    "schemas",
    "scripts",
    "src",
  ]) {
    cpSync(join(REPO_ROOT, f), join(copy, f), { recursive: true, filter: (p) => !p.includes(`${join("src", "generated")}`) });
  }
  symlinkSync(join(REPO_ROOT, "node_modules"), join(copy, "node_modules"), "dir");
  const out = join(work, "out");
  mkdirSync(out);
  const packed = JSON.parse(await must(run("npm", ["pack", "--json", "--pack-destination", out], copy), "npm pack")) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(out, packed[0]!.filename);
  packedFiles = packed[0]!.files.map((f) => f.path);

  prefix = join(work, "prefix");
  await must(run("npm", ["install", "--global", "--prefix", prefix, "--prefer-offline", tarball], work), "npm install --global");
  project = join(work, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "demo-project", private: true }) + "\n");
  await must(run("npm", ["install", "--prefer-offline", "--save-dev", tarball], project), "npm install (project)");
}, 600_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe("the packed package", () => {
  it("ships the build, the schemas, the docs its messages name, README and LICENSE; no sources or tests", () => {
    expect(packedFiles).toEqual(expect.arrayContaining(["bin/sdd.js", "dist/main.js", "LICENSE", "README.md", "package.json"]));
    expect(packedFiles.filter((f) => f.startsWith("schemas/")).length).toBeGreaterThan(0);
    expect(packedFiles.filter((f) => /^(src|test|scripts|meta)\//.test(f))).toEqual([]);
    // Every docs/*.md the program or the README points to is in the package.
    const named = new Set<string>();
    const installed = join(prefix, "lib", "node_modules", PACKAGE_NAME);
    for (const f of packedFiles.filter((p) => p.startsWith("dist/") || p === "README.md")) {
      for (const m of readFileSync(join(installed, f), "utf8").matchAll(/docs\/[a-z-]+\.md/g)) named.add(m[0]);
    }
    expect(named.size).toBeGreaterThan(0);
    for (const d of named) expect(packedFiles, d).toContain(d);
  });

  it("is the name and version the program reports, and installs only the dependencies it loads", async () => {
    const installed = join(prefix, "lib", "node_modules", PACKAGE_NAME);
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as Record<string, any>;
    expect([pkg.name, pkg.version]).toEqual([PACKAGE_NAME, VERSION]);
    expect(Object.keys(pkg.dependencies as object).sort()).toEqual(["@inquirer/prompts", "@modelcontextprotocol/sdk", "fast-json-patch"]);
    expect(pkg.license).toBe("MIT");
    expect(pkg.repository).toBeDefined();
    // Bundled or build-time only: never installed for users (ajv and ajv-formats still
    // arrive, as dependencies of the MCP SDK).
    for (const dep of ["commander", "esbuild"]) expect(existsSync(join(installed, "node_modules", dep)), dep).toBe(false);
    const version = await run(join(prefix, "bin", "sdd"), ["--version"], work, { PATH: PLAIN_PATH });
    expect(version.stdout.trim()).toBe(VERSION);
  });

  it("in a clone without devDependencies, prepare does not fail (the build tools are missing)", async () => {
    const clone = join(work, "omit-dev");
    mkdirSync(join(clone, "scripts"), { recursive: true });
    cpSync(join(REPO_ROOT, "scripts", "prepare.mjs"), join(clone, "scripts", "prepare.mjs"));
    writeFileSync(join(clone, "package.json"), JSON.stringify({ name: "x", type: "module" }));
    const r = await run(process.execPath, [join(clone, "scripts", "prepare.mjs")], clone);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("build tools not installed");
  });
});

interface Repo {
  dir: string;
  /** The sdd under test, run as the user would. */
  sdd: (...args: string[]) => Promise<Ran>;
  git: (...args: string[]) => Promise<Ran>;
}

/** A git repository set up with `sdd init --merge-driver` by the given sdd, PATH as given. */
async function setUp(dir: string, sddArgv: string[], path: string): Promise<Repo> {
  const env = { PATH: path, HOME: dir, XDG_CONFIG_HOME: dir, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0", CI: "true" };
  const git = (...args: string[]): Promise<Ran> => run("git", args, dir, env);
  const sdd = (...args: string[]): Promise<Ran> => run(sddArgv[0]!, [...sddArgv.slice(1), ...args], dir, env);
  await must(git("init", "-q", "-b", "main"), "git init");
  await must(git("config", "user.name", "Test"), "git config");
  await must(git("config", "user.email", "test@example.com"), "git config");
  await must(git("config", "commit.gpgsign", "false"), "git config");
  await must(sdd("init", "--merge-driver"), "sdd init --merge-driver");
  await must(git("config", "core.hooksPath", ".githooks"), "git config core.hooksPath");
  return { dir, sdd, git };
}

/** The scenario of the issue, with whichever sdd set the repository up. */
async function mergeAndHook(repo: Repo): Promise<void> {
  const file = join(repo.dir, SPEC);
  // The first commit goes through the hook too.
  writeFileSync(file, GOOD);
  await must(repo.git("add", "-A"), "git add");
  await must(repo.git("commit", "-q", "-m", "base"), "commit through the hook");

  // Two branches, each completing a different task of the same spec.
  await must(repo.git("checkout", "-q", "-b", "agent-a"), "checkout");
  await must(repo.sdd("complete-task", ID, "task-1-1"), "complete-task");
  await must(repo.git("commit", "-q", "-am", "a"), "commit a");
  await must(repo.git("checkout", "-q", "-b", "agent-b", "main"), "checkout");
  await must(repo.sdd("complete-task", ID, "task-1-2"), "complete-task");
  await must(repo.git("commit", "-q", "-am", "b"), "commit b");
  await must(repo.git("checkout", "-q", "agent-a"), "checkout");
  const merge = await repo.git("merge", "--no-edit", "agent-b");
  expect(merge.status, merge.stdout + merge.stderr).toBe(0);
  const merged = JSON.parse(readFileSync(file, "utf8")) as Record<string, any>;
  expect(merged.hierarchy["task-1-1"].status).toBe("completed");
  expect(merged.hierarchy["task-1-2"].status).toBe("completed");
  expect((await repo.git("status", "--porcelain")).stdout).toBe("");

  // A broken spec staged, the working tree fixed afterwards: the commit is refused.
  const good = readFileSync(file, "utf8");
  writeFileSync(file, "{ broken\n");
  await must(repo.git("add", SPEC), "git add");
  writeFileSync(file, good.replace('"title": "Second"', '"title": "Second, renamed"'));
  const refused = await repo.git("commit", "-q", "-m", "broken");
  expect(refused.status, refused.stdout + refused.stderr).not.toBe(0);
  expect(refused.stdout + refused.stderr).toContain(`${SPEC}:1:3`);
  expect((await repo.git("log", "--format=%s", "-1")).stdout.trim()).not.toBe("broken");

  // A good spec staged, the working tree broken afterwards: the commit is accepted.
  await must(repo.git("add", SPEC), "git add");
  writeFileSync(file, "{ broken again\n");
  const accepted = await repo.git("commit", "-q", "-m", "renamed");
  expect(accepted.status, accepted.stdout + accepted.stderr).toBe(0);
  expect((await repo.git("show", `HEAD:${SPEC}`)).stdout).toContain('"title": "Second, renamed"');
  await must(repo.git("checkout", "--", SPEC), "git checkout");
}

describe("installed globally into a prefix (its bin on PATH)", () => {
  it("init records sdd; branches merge with both tasks kept; the hook judges what is staged", async () => {
    const sdd = join(prefix, "bin", "sdd");
    const dir = join(work, "repo-global");
    mkdirSync(dir);
    const repo = await setUp(dir, [sdd], [join(prefix, "bin"), PLAIN_PATH].join(delimiter));
    expect((await repo.git("config", "sdd.command")).stdout.trim()).toBe("sdd");
    await mergeAndHook(repo);
  }, 300_000);
});

describe("installed into a project (run through node_modules/.bin, as npx does)", () => {
  it("init records node and the installed script; merge and hook work without that PATH", async () => {
    const bin = join(project, "node_modules", ".bin");
    const repo = await setUp(project, [join(bin, "sdd")], [bin, PLAIN_PATH].join(delimiter));
    writeFileSync(join(project, ".gitignore"), "node_modules/\n");
    const script = realpathSync(join(project, "node_modules", PACKAGE_NAME, "bin", "sdd.js"));
    expect((await repo.git("config", "sdd.command")).stdout.trim()).toBe(`${shellQuote(process.execPath)} ${shellQuote(script)}`);
    // git runs the hook and the driver with the user's PATH, which has no node_modules/.bin.
    const plain = setUpPlainPath(repo, join(bin, "sdd"));
    await mergeAndHook(plain);
    // A clone where sdd init was never run: the hook finds the project's own sdd.
    await must(plain.git("config", "--unset", "sdd.command"), "git config --unset");
    writeFileSync(join(project, "notes.txt"), "x\n");
    await must(plain.git("add", "notes.txt"), "git add");
    const commit = await plain.git("commit", "-q", "-m", "notes");
    expect(commit.status, commit.stdout + commit.stderr).toBe(0);
  }, 300_000);
});

/** The same repository, with git (and so the hook and the driver) run with a PATH without sdd. */
function setUpPlainPath(repo: Repo, sdd: string): Repo {
  const env = {
    PATH: PLAIN_PATH,
    HOME: repo.dir,
    XDG_CONFIG_HOME: repo.dir,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    CI: "true",
  };
  return {
    dir: repo.dir,
    git: (...args) => run("git", args, repo.dir, env),
    sdd: (...args) => run(sdd, args, repo.dir, env),
  };
}

describe("run from a clone with node bin/sdd.js", () => {
  it("init records node and the clone's script; merge and hook work", async () => {
    const dir = join(work, "repo-clone");
    mkdirSync(dir);
    const repo = await setUp(dir, [process.execPath, BIN], PLAIN_PATH);
    expect((await repo.git("config", "sdd.command")).stdout.trim()).toBe(
      `${shellQuote(process.execPath)} ${shellQuote(realpathSync(BIN))}`,
    );
    await mergeAndHook(repo);
  }, 300_000);
});

describe("the workflow sdd init writes", () => {
  it("uses supported action majors, an LTS Node and the pinned package, and its shell steps pass and fail like sdd ci", async () => {
    const dir = join(work, "repo-workflow");
    mkdirSync(dir);
    await setUp(dir, [process.execPath, BIN], PLAIN_PATH);
    const workflow = readFileSync(join(dir, ".github", "workflows", "sdd.yml"), "utf8");
    expect(workflow).toContain("uses: actions/checkout@v6");
    expect(workflow).toContain("uses: actions/setup-node@v6");
    expect(workflow).toContain("node-version: lts/*");
    expect(workflow).not.toContain("npm ci");
    const steps = [...workflow.matchAll(/^\s+run: (.*)$/gm)].map((m) => m[1]!);
    expect(steps).toEqual([`npm install --global --no-audit --no-fund ${PACKAGE_NAME}@${VERSION}`, "sdd ci --format github"]);

    // The runner: a fresh global prefix; the tarball is what the registry would serve.
    const runner = join(work, "runner");
    const env = {
      PATH: [join(runner, "bin"), PLAIN_PATH].join(delimiter),
      npm_config_prefix: runner,
      HOME: dir,
      CI: "true",
      GITHUB_ACTIONS: "true",
    };
    // The registry's package replaced by the tarball; what npm already has in its cache is used.
    const stepWithTarball = (step: string): string => `${step.replace(`${PACKAGE_NAME}@${VERSION}`, shellQuote(tarball))} --prefer-offline`;
    writeFileSync(join(dir, SPEC), GOOD);
    const install = await run("sh", ["-c", stepWithTarball(steps[0]!)], dir, env);
    const ci = await run("sh", ["-c", steps[1]!], dir, env);
    expect(install.status, install.stderr).toBe(0);
    expect(ci.status, ci.stdout + ci.stderr).toBe(0);

    writeFileSync(join(dir, SPEC), "{ broken\n");
    const failing = await run("sh", ["-c", steps[1]!], dir, env);
    expect(failing.status).toBe(4);
    expect(failing.stdout).toMatch(new RegExp(`^::error file=${SPEC.replace(/[./]/g, "\\$&")},line=1,col=3`, "m"));
  }, 300_000);
});
