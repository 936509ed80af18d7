/** Finding the git common directory without running git, checked against git itself. */
import { spawnSync } from "node:child_process";
import { mkdirSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";
import { gitCommonDir } from "../../../src/core/claims/git.js";
import { tempTree } from "../../helpers.js";

const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: "1" };
delete env.GIT_DIR;
delete env.GIT_COMMON_DIR;

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

it("agrees with git rev-parse --git-common-dir in a checkout, a linked worktree and outside any repository", () => {
  const root = realpathSync(tempTree({ "main/specs/active/.keep": "" }));
  const main = join(root, "main");
  git(main, "init", "-q", "-b", "main");
  git(main, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "base");
  git(main, "worktree", "add", "-q", "-b", "other", join(root, "wt"));
  mkdirSync(join(root, "wt", "specs", "active"), { recursive: true });
  for (const dir of [join(main, "specs", "active"), join(root, "wt", "specs", "active")]) {
    expect(gitCommonDir(dir, env)).toBe(resolve(dir, git(dir, "rev-parse", "--git-common-dir")));
  }
  expect(gitCommonDir(join(root, "wt"), env)).toBe(join(main, ".git"));
  const outside = realpathSync(tempTree({ "specs/active/.keep": "" }));
  expect(gitCommonDir(join(outside, "specs"), { ...env, GIT_CEILING_DIRECTORIES: outside })).toBeUndefined();
});
