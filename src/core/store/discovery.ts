/**
 * Finding the specs directory and resolving spec ids to files.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ancestorsToRepoRoot, loadConfig, type LoadedConfig } from "./config.js";
import { NotFoundError, UsageError } from "../errors.js";
import { SAFE_ID, SPEC_FOLDERS, type SpecFolder } from "../spec/model.js";

export interface DiscoveryOptions {
  cwd: string;
  /** `--specs-dir`. */
  specsDir?: string | undefined;
  /** `--path`: where discovery starts instead of the working directory. */
  path?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export interface SpecsLocation {
  specsDir: string;
  /** How it was found, for `find-specs` and error messages. */
  source: "flag" | "env" | "config" | "auto";
  config: LoadedConfig;
}

import type { SpecRef } from "../spec/plan.js";

export type { SpecRef } from "../spec/plan.js";

export function isSpecsDir(dir: string): boolean {
  return SPEC_FOLDERS.some((f) => isDirectory(join(dir, f)));
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A user-given specs directory: the directory itself, or its `specs/` or `meta/sdd/specs/`. */
function acceptGiven(dir: string): string | undefined {
  for (const candidate of [dir, join(dir, "specs"), join(dir, "meta", "sdd", "specs")]) {
    if (isSpecsDir(candidate)) return candidate;
  }
  return undefined;
}

export function findSpecsDir(options: DiscoveryOptions): SpecsLocation {
  const env = options.env ?? process.env;
  const start = resolve(options.cwd, options.path ?? ".");
  const config = loadConfig(start);
  const given: [string | undefined, SpecsLocation["source"], string][] = [
    [options.specsDir, "flag", "--specs-dir"],
    [env.SDD_SPECS_DIR || undefined, "env", "SDD_SPECS_DIR"],
    [config.config.specsDir === undefined ? undefined : resolve(config.root, config.config.specsDir), "config", config.file ?? ""],
  ];
  for (const [dir, source, origin] of given) {
    if (dir === undefined) continue;
    const abs = resolve(options.cwd, dir);
    const found = acceptGiven(abs);
    if (found === undefined) {
      throw new NotFoundError(
        "specs-dir-not-found",
        `${abs} is not a specs directory (from ${origin}): it has none of ${SPEC_FOLDERS.join("/, ")}/`,
        {
          fix: `mkdir -p ${join(abs, "pending")}   # or: sdd init`,
        },
      );
    }
    return { specsDir: found, source, config };
  }
  for (const dir of ancestorsToRepoRoot(start)) {
    for (const candidate of [join(dir, "specs"), join(dir, "meta", "sdd", "specs")]) {
      if (isSpecsDir(candidate)) return { specsDir: candidate, source: "auto", config };
    }
  }
  throw new NotFoundError(
    "specs-dir-not-found",
    `no specs directory found from ${start} up to the repository root (looked for specs/ and meta/sdd/specs/)`,
    {
      fix: "Pass --specs-dir DIR, set SDD_SPECS_DIR, or run: sdd init",
    },
  );
}

/** Every spec file in a specs directory, in folder order then by name. */
export function listSpecFiles(specsDir: string): SpecRef[] {
  const out: SpecRef[] = [];
  for (const folder of SPEC_FOLDERS) {
    const dir = join(specsDir, folder);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      out.push({ id: name.slice(0, -5), file: join(dir, name), folder });
    }
  }
  return out;
}

/** Spec ids name files: anything that could escape the specs folder is refused. */
export function assertSafeSpecId(id: string): void {
  if (!SAFE_ID.test(id) || id.includes("..")) {
    throw new UsageError(`invalid spec id ${JSON.stringify(id)}: use letters, digits, '.', '_' and '-' only (no path separators or '..')`, {
      code: "invalid-spec-id",
      fix: "sdd list-specs   # to see the ids",
    });
  }
}

export function folderOf(file: string, specsDir: string): SpecFolder | undefined {
  const rel = relative(specsDir, file);
  const parts = rel.split(sep);
  if (parts.length !== 2) return undefined;
  return (SPEC_FOLDERS as readonly string[]).includes(parts[0] ?? "") ? (parts[0] as SpecFolder) : undefined;
}

function looksLikePath(arg: string): boolean {
  return arg.endsWith(".json") || arg.includes("/") || arg.includes("\\");
}

/**
 * Resolve a spec argument: an id (looked up in every folder; the same id in two folders
 * is an error naming both files) or a path to a `.json` file.
 */
export function resolveSpec(arg: string, specsDir: string, cwd: string): SpecRef {
  if (looksLikePath(arg)) {
    const file = resolve(cwd, arg);
    if (existsSync(file)) {
      return { id: basename(file).replace(/\.json$/i, ""), file, folder: folderOf(file, specsDir) };
    }
    if (!arg.endsWith(".json") || isAbsolute(arg) || arg.includes("/") || arg.includes("\\")) {
      throw new NotFoundError("spec-not-found", `${file}: no such spec file`, { fix: "sdd list-specs" });
    }
  }
  const id = arg.replace(/\.json$/i, "");
  assertSafeSpecId(id);
  const hits = SPEC_FOLDERS.map((folder) => ({ id, folder, file: join(specsDir, folder, `${id}.json`) })).filter((r) => existsSync(r.file));
  if (hits.length === 0) {
    throw new NotFoundError("spec-not-found", `spec ${JSON.stringify(id)} not found in ${specsDir}`, { fix: "sdd list-specs" });
  }
  if (hits.length > 1) {
    throw new NotFoundError(
      "duplicate-spec-id",
      `spec id ${JSON.stringify(id)} is in ${hits.length} files: ${hits.map((h) => h.file).join(" and ")}; keep one`,
      {
        fix: `sdd doctor   # then remove the stale copy`,
      },
    );
  }
  return hits[0] as SpecRef;
}
