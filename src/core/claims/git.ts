/** The few git plumbing calls claims need, run synchronously with git's own exit status. */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { DataError } from "../errors.js";

export interface GitRun {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): GitRun {
  try {
    const stdout = execFileSync("git", args, {
      cwd,
      env: { ...env, GIT_TERMINAL_PROMPT: "0" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 16 * 1024 * 1024,
    });
    return { ok: true, stdout, stderr: "" };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string; status?: number | null };
    if (e.code === "ENOENT") {
      throw new DataError("git-missing", "git is not installed or not on PATH; claims across worktrees and machines need it", {
        fix: "install git, or claim within one checkout outside a git repository",
      });
    }
    return { ok: false, stdout: String(e.stdout ?? ""), stderr: String(e.stderr ?? "") };
  }
}

/**
 * The directory every worktree of the repository shares (`git rev-parse --git-common-dir`),
 * or undefined outside git. Found by walking up to `.git` as git does, without running git:
 * every read command asks, and most machines' agents never set GIT_DIR.
 */
export function gitCommonDir(dir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.GIT_DIR !== undefined || env.GIT_COMMON_DIR !== undefined) {
    try {
      const r = git(dir, ["rev-parse", "--git-common-dir"], env);
      if (!r.ok) return undefined;
      const out = r.stdout.trim();
      return isAbsolute(out) ? out : resolve(dir, out);
    } catch {
      return undefined;
    }
  }
  const ceilings = new Set(
    (env.GIT_CEILING_DIRECTORIES ?? "")
      .split(delimiter)
      .filter((d) => d !== "")
      .map((d) => resolve(d)),
  );
  let cur = resolve(dir);
  for (;;) {
    const dotGit = join(cur, ".git");
    const found = gitDirAt(dotGit);
    if (found !== undefined) return found;
    const up = dirname(cur);
    if (up === cur || ceilings.has(up)) return undefined;
    cur = up;
  }
}

/** `.git` as a directory, or a `gitdir:` file (a linked worktree, a submodule): the common directory it leads to. */
function gitDirAt(dotGit: string): string | undefined {
  let gitdir: string;
  try {
    const st = statSync(dotGit);
    if (st.isDirectory()) gitdir = dotGit;
    else {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, "utf8"));
      if (m?.[1] === undefined) return undefined;
      gitdir = resolve(dirname(dotGit), m[1]);
    }
  } catch {
    return undefined;
  }
  try {
    return resolve(gitdir, readFileSync(join(gitdir, "commondir"), "utf8").trim());
  } catch {
    return gitdir;
  }
}

/** The working tree's top directory, for showing which worktree holds a claim. */
export function worktreeRoot(dir: string): string | undefined {
  const r = git(dir, ["rev-parse", "--show-toplevel"]);
  return r.ok ? r.stdout.trim() : undefined;
}
