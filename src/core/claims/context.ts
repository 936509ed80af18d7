/** What every claims command shares: the options, the specs folder and clock, the agent. */
import { now } from "../clock.js";
import { findSpecsDir, listSpecFiles, resolveSpec, type SpecsLocation } from "../store/discovery.js";
import { DEFAULT_LOCK_TIMEOUT_MS } from "../store/lock.js";
import { ExitCode, SddError, UsageError } from "../errors.js";
import { gitCommonDir, worktreeRoot } from "./git.js";
import { cloneOf, type Clone } from "./holder.js";

export interface ClaimsBaseOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** `--specs-dir`. */
  specsDir?: string | undefined;
  /** `--path`. */
  path?: string | undefined;
  lockTimeoutMs?: number | undefined;
}

export type Scope = "checkout" | "worktree" | "remote";

export interface Setting {
  loc: SpecsLocation;
  env: NodeJS.ProcessEnv;
  commonDir: string | undefined;
  nowMs: number;
  timeoutMs: number;
  /** The worktree this process claims from, as the ledger records it (null outside git). */
  worktree(): string | null;
  /** The clone this process claims from, as a remote claim records it (needs git). */
  clone(): Clone;
}

export function setting(o: ClaimsBaseOptions): Setting {
  const env = o.env ?? process.env;
  const loc = findSpecsDir({ cwd: o.cwd, specsDir: o.specsDir, path: o.path, env });
  const commonDir = gitCommonDir(loc.specsDir, env);
  let worktree: string | null | undefined;
  let clone: Clone | undefined;
  return {
    loc,
    env,
    commonDir,
    worktree: () => (worktree ??= worktreeRoot(o.cwd) ?? null),
    clone: () => {
      if (commonDir === undefined) throw new UsageError(`claims across machines need a git repository; ${loc.specsDir} is not in one`);
      return (clone ??= cloneOf(commonDir));
    },
    nowMs: now(env).getTime(),
    timeoutMs: o.lockTimeoutMs ?? loc.config.config.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
  };
}

/** The specs a command works on: those named, else every active spec. */
export function specIds(s: Setting, cwd: string, named: readonly string[] | undefined): string[] {
  if (named !== undefined && named.length > 0) return named.map((n) => resolveSpec(n, s.loc.specsDir, cwd).id);
  return listSpecFiles(s.loc.specsDir)
    .filter((r) => r.folder === "active")
    .map((r) => r.id);
}

export function isUnreadable(err: unknown): err is SddError {
  return err instanceof SddError && err.exitCode === ExitCode.unreadable;
}

export function assertAgent(agent: string | undefined): string {
  if (agent === undefined || agent.trim() === "") {
    throw new UsageError("name the agent: --agent NAME (or set SDD_AGENT)", { code: "agent-missing" });
  }
  return agent.trim();
}
