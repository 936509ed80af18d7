/**
 * `sdd init`: scaffold what a project needs, idempotently. An existing file is never
 * overwritten; it is reported as kept.
 */
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { writeFileAtomic } from "./atomic.js";
import { SPEC_FOLDERS } from "./spec.js";

export interface InitOptions {
  root: string;
  specsDir?: string | undefined;
}

export interface InitResult {
  created: string[];
  kept: string[];
  specsDir: string;
}

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
  const specsRel = o.specsDir ?? defaultSpecsDir(o.root);
  const specsAbs = join(o.root, specsRel);
  const base = dirname(specsRel);
  const workItems = join(base, "work-items");
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
  return { created, kept, specsDir: relative(o.root, specsAbs) || "." };
}
