/**
 * `sdd init`: scaffold what a project needs, idempotently. An existing file is never
 * overwritten; it is reported as kept.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { writeFileAtomic } from "../store/atomic.js";
import { CONFIG_FILE, loadConfig } from "../store/config.js";
import type { SpecsLocation } from "../store/discovery.js";
import { UsageError } from "../errors.js";
import { SPEC_FOLDERS } from "../spec/model.js";
import { readItems, renderItems, worklogPlaces } from "../worklog/store.js";

/** Runs git with the given arguments in the repository; returns stdout, throws on failure. */
export type GitRunner = (args: string[]) => string;

export interface InitOptions {
  root: string;
  specsDir?: string | undefined;
  /** Also register the merge driver (docs/branches.md), run as `<command> merge-driver …`. */
  mergeDriver?: { command: string } | undefined;
  /** Injected in tests; by default the git on PATH, run in `root`. */
  git?: GitRunner | undefined;
}

export interface MergeDriverSetup {
  gitattributes: string;
  /** Lines appended to .gitattributes. */
  added: string[];
  /** Lines that were already there. */
  present: string[];
  /** The git config values, and whether this run changed them. */
  config: { key: string; value: string; changed: boolean }[];
}

export interface InitResult {
  created: string[];
  kept: string[];
  specsDir: string;
  mergeDriver?: MergeDriverSetup;
}

export const DEFAULT_DRIVER_COMMAND = "npx --no-install sdd";
export const MERGE_DRIVER_NAME = "sdd semantic JSON merge";

export const SPECS_GITIGNORE = "# sdd's local state: locks, backups and change history\n.locks/\n.backups/\n.history/\n*.sdd-tmp\n";

const WORKFLOW = `name: sdd
on: [push, pull_request]
jobs:
  sdd:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
      - run: npx sdd ci --format github
`;

const PRE_COMMIT = `#!/bin/sh
# Refuse a commit whose specs, journal or work-item log sdd ci would reject.
# Enable with: git config core.hooksPath .githooks
exec npx --no-install sdd ci
`;

export function defaultSpecsDir(root: string): string {
  return existsSync(join(root, "meta")) ? join("meta", "sdd", "specs") : "specs";
}

export function runInit(o: InitOptions): InitResult {
  // An existing config is kept, so the folders it names are the ones to scaffold.
  const existing = existsSync(join(o.root, CONFIG_FILE)) ? loadConfig(o.root).config : {};
  const inRoot = (p: string): string => relative(o.root, resolve(o.root, p)) || ".";
  const specsRel =
    o.specsDir !== undefined
      ? inRoot(o.specsDir)
      : typeof existing.specsDir === "string"
        ? inRoot(existing.specsDir)
        : defaultSpecsDir(o.root);
  const specsAbs = join(o.root, specsRel);
  const base = dirname(specsRel);
  const workItems = typeof existing.workItemsDir === "string" ? inRoot(existing.workItemsDir) : join(base, "work-items");
  const logFile = join(base, "worklog.md");
  const created: string[] = [];
  const kept: string[] = [];
  const write = (rel: string, content: string, mode?: number): void => {
    const file = join(o.root, rel);
    if (existsSync(file)) {
      kept.push(rel);
      return;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, content);
    if (mode !== undefined) chmodSync(file, mode);
    created.push(rel);
  };
  const config = {
    $schema: "./node_modules/sdd/schemas/config.schema.json",
    specsDir: specsRel,
    workItemsDir: workItems,
    logFile,
    journaledTypes: ["task", "verify"],
    logSections: [
      { title: "In Progress", state: "open" },
      { title: "Blocked", state: "blocked" },
      { title: "Done", state: "done" },
    ],
  };
  write("sdd.config.json", JSON.stringify(config, null, 2) + "\n");
  for (const f of SPEC_FOLDERS) write(join(specsRel, f, ".gitkeep"), "");
  write(join(specsRel, ".gitignore"), SPECS_GITIGNORE);
  write(join(workItems, ".gitkeep"), "");
  write(join(".github", "workflows", "sdd.yml"), WORKFLOW);
  write(join(".githooks", "pre-commit"), PRE_COMMIT, 0o755);
  // The log the config names, rendered while there are no items yet, so a fresh project passes
  // the `sdd ci` that the hook and workflow run; with items, `sdd log render` is the user's call.
  const loc: SpecsLocation = { specsDir: specsAbs, source: "config", config: loadConfig(o.root) };
  const places = worklogPlaces(loc);
  const stored = readItems(places, o.root);
  if (stored.items.length === 0 && stored.unreadable.length === 0) {
    write(relative(o.root, places.logFile), renderItems(loc, places, [], o.root));
  }
  const result: InitResult = { created, kept, specsDir: relative(o.root, specsAbs) || "." };
  if (o.mergeDriver !== undefined) {
    result.mergeDriver = registerMergeDriver({
      root: o.root,
      specsDir: o.specsDir,
      defaultWorkItemsDir: workItems,
      command: o.mergeDriver.command,
      git: o.git ?? defaultGit(o.root),
    });
  }
  return result;
}

function defaultGit(root: string): GitRunner {
  return (args) => {
    try {
      return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === "ENOENT")
        throw new UsageError("git is not installed (or not on PATH); the merge driver is registered with git config");
      throw new Error((e.stderr ?? "").trim() || `git ${args.join(" ")} failed`);
    }
  };
}

/** A repository-relative path as .gitattributes writes it: forward slashes, no "./". */
function attributePath(root: string, dir: string): string {
  const rel = relative(root, isAbsolute(dir) ? dir : resolve(root, dir));
  return rel === "" ? "" : rel.split(sep).join("/");
}

/** Idempotent: a line already in .gitattributes is never added twice. */
export function registerMergeDriver(o: {
  root: string;
  specsDir?: string | undefined;
  defaultWorkItemsDir: string;
  command: string;
  git: GitRunner;
}): MergeDriverSetup {
  try {
    o.git(["rev-parse", "--git-dir"]);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${o.root} is not a git repository; the merge driver is registered in the repository's git config`, {
      fix: "git init   # then: sdd init --merge-driver",
    });
  }
  // Paths in the config file are relative to the directory holding it.
  const loaded = loadConfig(o.root);
  const specsDir =
    o.specsDir !== undefined
      ? resolve(o.root, o.specsDir)
      : loaded.config.specsDir !== undefined
        ? resolve(loaded.root, loaded.config.specsDir)
        : resolve(o.root, defaultSpecsDir(o.root));
  const workItemsDir =
    loaded.config.workItemsDir !== undefined ? resolve(loaded.root, loaded.config.workItemsDir) : resolve(o.root, o.defaultWorkItemsDir);
  const prefix = (dir: string): string => {
    const p = attributePath(o.root, dir);
    return p === "" ? "" : p + "/";
  };
  const wanted = [`${prefix(specsDir)}**/*.json merge=sdd`, `${prefix(workItemsDir)}*.json merge=sdd`];

  const file = join(o.root, ".gitattributes");
  const before = existsSync(file) ? readFileSync(file, "utf8") : "";
  const lines = new Set(before.split(/\r?\n/).map((l) => l.trim()));
  const added = wanted.filter((l, i) => !lines.has(l) && wanted.indexOf(l) === i);
  const present = wanted.filter((l) => lines.has(l));
  if (added.length > 0) {
    const eol = before.includes("\r\n") ? "\r\n" : "\n";
    const comment = "# sdd: merge spec and work-item JSON with sdd merge-driver (register it in each clone: sdd init --merge-driver)";
    const head = before === "" || before.endsWith("\n") ? before : before + eol;
    const block = [...(lines.has(comment) ? [] : [comment]), ...added];
    writeFileAtomic(file, head + block.join(eol) + eol);
  }

  const config: MergeDriverSetup["config"] = [];
  for (const [key, value] of [
    ["merge.sdd.name", MERGE_DRIVER_NAME],
    ["merge.sdd.driver", `${o.command} merge-driver %O %A %B %P`],
  ] as const) {
    let current: string | undefined;
    try {
      current = o.git(["config", "--local", "--get", key]).replace(/\r?\n$/, "");
    } catch {
      current = undefined; // unset
    }
    if (current !== value) {
      try {
        o.git(["config", "--local", key, value]);
      } catch (err) {
        if (err instanceof UsageError) throw err;
        throw new UsageError(`git config ${key} failed: ${(err as Error).message}`, { fix: `git config ${key} "${value}"` });
      }
    }
    config.push({ key, value, changed: current !== value });
  }
  return { gitattributes: ".gitattributes", added, present, config };
}
