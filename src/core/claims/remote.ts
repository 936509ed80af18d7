/**
 * Claims across machines: a claim is the ref `refs/sdd/claims/<spec>/<task>` on a shared
 * remote, created with a plain (non-forced) push. The git server creates a ref only if it
 * does not exist, atomically, so of two machines racing exactly one push succeeds. A claim
 * is replaced (renewed, taken over after expiry, marked completed) or deleted only with
 * --force-with-lease naming the commit seen, so nobody overwrites a claim they did not see.
 *
 * The ref points to a commit of the empty tree whose message is the claim as JSON.
 */
import { ConflictError, NotFoundError, UsageError } from "../errors.js";
import type { Claim } from "../mutations/claims.js";
import { isObject } from "../spec/model.js";
import { git } from "./git.js";

export const CLAIM_REF_PREFIX = "refs/sdd/claims";

/** A claim as pushed: the agent, and the clone it runs in (see holder.ts). */
export interface RemoteBody extends Claim {
  state: "claimed" | "completed";
  host?: string | undefined;
  clone?: string | undefined;
}

export interface RemoteClaim extends Claim {
  sha: string;
  host?: string | undefined;
  clone?: string | undefined;
  /** "completed": the task was completed under this claim; it is never handed out again. */
  state: "claimed" | "completed";
}

export function claimRef(spec: string, task: string): string {
  return `${CLAIM_REF_PREFIX}/${spec}/${task}`;
}

/** Refuse a remote name git does not know, before any push. */
export function assertRemote(cwd: string, name: string): void {
  if (!git(cwd, ["remote", "get-url", name]).ok) {
    throw new UsageError(`no git remote named ${JSON.stringify(name)} in ${cwd}`, { code: "remote-not-found", fix: "git remote -v" });
  }
}

function claimCommit(cwd: string, env: NodeJS.ProcessEnv, body: Record<string, unknown>, agent: string): string {
  const tree = git(cwd, ["hash-object", "-t", "tree", "-w", "--stdin"], env);
  // An empty stdin: hash-object reads it as the empty tree.
  const emptyTree = tree.ok ? tree.stdout.trim() : "";
  const ident = {
    GIT_AUTHOR_NAME: agent,
    GIT_AUTHOR_EMAIL: "sdd@localhost",
    GIT_COMMITTER_NAME: agent,
    GIT_COMMITTER_EMAIL: "sdd@localhost",
  };
  const c = git(cwd, ["commit-tree", emptyTree, "-m", JSON.stringify(body)], { ...env, ...ident });
  if (!c.ok || emptyTree === "") throw new ConflictError("claim-commit", `git could not record the claim: ${c.stderr.trim()}`);
  return c.stdout.trim();
}

/** The sha the remote's claim ref points to, or undefined when there is none. */
function remoteSha(cwd: string, env: NodeJS.ProcessEnv, remote: string, ref: string): string | undefined {
  const r = git(cwd, ["ls-remote", remote, ref], env);
  // Not a conflict to retry: the remote is misconfigured, gone or offline (exit 2).
  if (!r.ok) {
    throw new NotFoundError("remote-unreachable", `cannot reach the git remote ${JSON.stringify(remote)}: ${r.stderr.trim()}`, {
      fix: `git ls-remote ${remote}   # check the remote's URL and access`,
    });
  }
  const line = r.stdout.split("\n").find((l) => l.endsWith(`\t${ref}`));
  return line?.split("\t")[0];
}

function parseClaim(sha: string, message: string): RemoteClaim | undefined {
  try {
    const v: unknown = JSON.parse(message.trim());
    if (!isObject(v) || typeof v.agent !== "string" || typeof v.lease_expires_at !== "string") return undefined;
    return {
      sha,
      agent: v.agent,
      claimed_at: typeof v.claimed_at === "string" ? v.claimed_at : v.lease_expires_at,
      lease_expires_at: v.lease_expires_at,
      state: v.state === "completed" ? "completed" : "claimed",
      ...(typeof v.host === "string" ? { host: v.host } : {}),
      ...(typeof v.clone === "string" ? { clone: v.clone } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The claim on the remote, read from its commit (fetched without touching local refs). */
export function readRemoteClaim(cwd: string, env: NodeJS.ProcessEnv, remote: string, spec: string, task: string): RemoteClaim | undefined {
  const ref = claimRef(spec, task);
  for (let attempt = 0; attempt < 3; attempt++) {
    const sha = remoteSha(cwd, env, remote, ref);
    if (sha === undefined) return undefined;
    const have = git(cwd, ["cat-file", "commit", sha], env);
    if (!have.ok) git(cwd, ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, ref], env);
    const body = have.ok ? have : git(cwd, ["cat-file", "commit", sha], env);
    // The ref moved between ls-remote and fetch: look again.
    if (!body.ok) continue;
    const message = body.stdout.slice(body.stdout.indexOf("\n\n") + 2);
    return (
      parseClaim(sha, message) ?? { sha, agent: "unknown", claimed_at: "", lease_expires_at: "9999-12-31T23:59:59.999Z", state: "claimed" }
    );
  }
  throw new ConflictError("remote-claim-moving", `the claim ${ref} on ${remote} kept changing while it was read; retry`);
}

export interface PushOutcome {
  ok: boolean;
  sha: string;
  stderr: string;
}

/**
 * Point the claim ref at a new claim commit: created when `expected` is undefined (a plain
 * push, refused when the ref exists), else replaced only if it still points to `expected`.
 */
export function pushClaim(
  cwd: string,
  env: NodeJS.ProcessEnv,
  remote: string,
  spec: string,
  task: string,
  claim: RemoteBody,
  expected?: string,
): PushOutcome {
  const ref = claimRef(spec, task);
  const sha = claimCommit(cwd, env, { spec_id: spec, task_id: task, ...claim }, claim.agent);
  const lease = expected === undefined ? [] : [`--force-with-lease=${ref}:${expected}`];
  const r = git(cwd, ["push", "--quiet", "--no-verify", ...lease, remote, `${sha}:${ref}`], env);
  return { ok: r.ok, sha, stderr: r.stderr };
}

/** Delete the claim ref if it still points to `expected`. */
export function deleteClaim(cwd: string, env: NodeJS.ProcessEnv, remote: string, spec: string, task: string, expected: string): boolean {
  const ref = claimRef(spec, task);
  return git(cwd, ["push", "--quiet", "--no-verify", `--force-with-lease=${ref}:${expected}`, remote, `:${ref}`], env).ok;
}
