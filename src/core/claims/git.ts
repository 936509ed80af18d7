/** The few git plumbing calls claims need, run synchronously with git's own exit status. */
import { execFileSync } from "node:child_process";
import { isAbsolute, resolve } from "node:path";
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

/** The directory every worktree of the repository shares, or undefined outside git. */
export function gitCommonDir(dir: string): string | undefined {
  const r = git(dir, ["rev-parse", "--git-common-dir"]);
  if (!r.ok) return undefined;
  const out = r.stdout.trim();
  return isAbsolute(out) ? out : resolve(dir, out);
}

/** The working tree's top directory, for showing which worktree holds a claim. */
export function worktreeRoot(dir: string): string | undefined {
  const r = git(dir, ["rev-parse", "--show-toplevel"]);
  return r.ok ? r.stdout.trim() : undefined;
}
