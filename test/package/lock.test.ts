/**
 * The committed lock file is one `npm ci` accepts: the check CI runs passes on it, and
 * fails, naming the entry, on a lock missing a platform binary of esbuild or rollup.
 */
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, tempTree } from "../helpers.js";

const CHECK = join(REPO_ROOT, "scripts", "check-lock.mjs");

function check(dir: string): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CHECK, dir], { encoding: "utf8" });
  return { code: r.status, stderr: r.stderr };
}

/** A copy of package.json and the lock, with the lock edited by `edit`. */
function copyWith(edit: (lock: { packages: Record<string, unknown> }) => void): string {
  const dir = tempTree();
  cpSync(join(REPO_ROOT, "package.json"), join(dir, "package.json"));
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8"));
  edit(lock);
  writeFileSync(join(dir, "package-lock.json"), JSON.stringify(lock, null, 2));
  // The check loads semver from the project it checks.
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

describe("package-lock.json", () => {
  it("has an entry for every optional platform package, every dependency, and engines this Node meets", () => {
    expect(check(REPO_ROOT)).toEqual({ code: 0, stderr: "" });
  });

  it("holds every platform binary of esbuild and rollup (npm ci needs them on every platform)", () => {
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8"));
    for (const tool of ["esbuild", "rollup"]) {
      const entry = lock.packages[`node_modules/${tool}`];
      const optional = Object.keys(entry.optionalDependencies ?? {});
      expect(optional.length, tool).toBeGreaterThan(10);
      for (const name of optional) expect(lock.packages[`node_modules/${name}`], `${tool} -> ${name}`).toBeDefined();
    }
  });

  it("fails, naming the package, when a platform entry is missing", () => {
    const dir = copyWith((lock) => {
      delete lock.packages["node_modules/@rollup/rollup-darwin-arm64"];
    });
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("node_modules/rollup: its optional dependency @rollup/rollup-darwin-arm64 has no entry");
  });

  it("fails when a dependency of package.json is not locked", () => {
    const dir = copyWith((lock) => {
      delete lock.packages["node_modules/fast-json-patch"];
    });
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("fast-json-patch (dependencies) is not in the lock");
  });
});
