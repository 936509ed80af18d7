/**
 * Claims for a team of agents (docs/agents.md): `ready`, `claim`, `release`, `renew` and
 * `statusBoard`. Each takes a typed options object with `cwd` and returns plain JSON data,
 * the same fields the commands print with --json.
 *
 * Scopes, all taken by every claim that can:
 * - one checkout: the claim is written into the task's node under the spec's lock;
 * - the worktrees of one repository: the claims ledger in the git common directory, under
 *   its own lock, held around the spec transaction (ledger lock first, then the spec's);
 * - several machines: with `remote`, a ref on that remote (remote.ts).
 */
import { resolveSpec } from "../store/discovery.js";
import { readJsonFile } from "../store/spec-file.js";
import { readyTasks, type ReadyTask } from "../mutations/claims.js";
import { readLedger } from "./ledger.js";
import { isUnreadable, setting, specIds, type ClaimsBaseOptions } from "./context.js";

export { statusBoard, type StatusBoard, type StatusBoardOptions } from "./board.js";
export type { ClaimsBaseOptions, Scope } from "./context.js";
export { claim, type ClaimOptions, type ClaimReport } from "./take.js";
export { release, renew, type HoldOptions, type HoldReport } from "./hold.js";
export { claimsOf, endClaimOnCompletion, ledgerClaim, type ClaimView, type CompletionClaimOptions } from "./completion.js";

export interface ReadyOptions extends ClaimsBaseOptions {
  specs?: readonly string[];
}

export interface ReadyReport {
  tasks: ReadyTask[];
  count: number;
  /** Active specs that could not be read (with every spec asked for, one broken file does not hide the rest). */
  unreadable: { spec_id: string; error: string }[];
  /** Whether claims of other worktrees (the ledger) were taken into account. */
  ledger: boolean;
}

/**
 * The unblocked, unclaimed pending work, in order: spec id, then phase order (in-progress
 * phases first), then tree order; a task whose lease expired counts as ready again.
 */
export function ready(o: ReadyOptions): ReadyReport {
  const s = setting(o);
  const ledger = readLedger(s.commonDir);
  const tasks: ReadyTask[] = [];
  const unreadable: ReadyReport["unreadable"] = [];
  const named = o.specs !== undefined && o.specs.length > 0;
  for (const id of specIds(s, o.cwd, o.specs).sort()) {
    let doc: unknown;
    try {
      doc = readJsonFile(resolveSpec(id, s.loc.specsDir, o.cwd).file).value;
    } catch (err) {
      if (named || !isUnreadable(err)) throw err;
      unreadable.push({ spec_id: id, error: err.message });
      continue;
    }
    tasks.push(...readyTasks(doc, id, ledger.heldFor(id, s.nowMs), s.nowMs));
  }
  return { tasks, count: tasks.length, unreadable, ledger: s.commonDir !== undefined };
}
