/**
 * `sdd status`: the board a person looks at. Every spec with its progress, the tasks in
 * progress with their owner and age, blocked tasks with the reason, and how many tasks
 * are ready. Data only; src/ui/board.ts renders it.
 */
import { now } from "../clock.js";
import { findSpecsDir, listSpecFiles, resolveSpec } from "../store/discovery.js";
import { SddError } from "../errors.js";
import { displayPath } from "../paths.js";
import { hierarchyOf, progressOf, specTitle, summarize } from "../spec/queries.js";
import { readJsonFile } from "../store/spec-file.js";
import { claimOf, isLive, readyTasks, workOrder } from "../mutations/claims.js";
import { isObject, own } from "../spec/model.js";
import { gitCommonDir } from "./git.js";
import { readLedger } from "./ledger.js";

export interface StatusBoardOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  specsDir?: string | undefined;
  path?: string | undefined;
  /** Only these spec ids; else every spec. */
  specs?: readonly string[];
}

export interface BoardTask {
  task_id: string;
  title: string;
}

export interface BoardInProgress extends BoardTask {
  /** The claim holder; null when the task was started without a claim. */
  agent: string | null;
  since: string | null;
  age_seconds: number | null;
  lease_expires_at: string | null;
  lease_expired: boolean;
  /** "spec": claimed in this checkout; "worktree": in another worktree (the ledger). */
  claimed_in: "spec" | "worktree" | null;
}

export interface BoardBlocked extends BoardTask {
  reason: string;
}

export interface BoardSpec {
  spec_id: string;
  folder: string | null;
  file: string;
  title: string;
  total_tasks: number;
  completed_tasks: number;
  percentage: number;
  /** Tasks `sdd ready` lists: counted for active specs only (null for the others, as `ready` skips them). */
  ready: number | null;
  in_progress: BoardInProgress[];
  blocked: BoardBlocked[];
}

export interface StatusBoard {
  as_of: string;
  specs: BoardSpec[];
  unreadable: { spec_id: string; file: string; error: string }[];
  totals: { specs: number; total_tasks: number; completed_tasks: number; ready: number; in_progress: number; blocked: number };
}

function ageSeconds(since: string | null, nowMs: number): number | null {
  if (since === null) return null;
  const t = Date.parse(since);
  return Number.isFinite(t) ? Math.max(0, Math.floor((nowMs - t) / 1000)) : null;
}

function blockedReason(md: Record<string, unknown>): string {
  const desc = typeof md.blocker_description === "string" && md.blocker_description !== "" ? md.blocker_description : undefined;
  const type = typeof md.blocker_type === "string" ? md.blocker_type : undefined;
  const ticket = typeof md.blocker_ticket === "string" ? ` (${md.blocker_ticket})` : "";
  if (desc !== undefined) return `${type === undefined ? "" : `${type}: `}${desc}${ticket}`;
  return type === undefined ? "no reason recorded" : `${type}${ticket}`;
}

export function statusBoard(o: StatusBoardOptions): StatusBoard {
  const env = o.env ?? process.env;
  const nowMs = now(env).getTime();
  const loc = findSpecsDir({ cwd: o.cwd, specsDir: o.specsDir, path: o.path, env });
  const ledger = readLedger(gitCommonDir(loc.specsDir, env));
  // Named specs are resolved as every command resolves them: an unknown one is exit 2, not an empty board.
  const wanted =
    o.specs !== undefined && o.specs.length > 0 ? new Set(o.specs.map((s) => resolveSpec(s, loc.specsDir, o.cwd).id)) : undefined;
  const board: StatusBoard = {
    as_of: new Date(nowMs).toISOString(),
    specs: [],
    unreadable: [],
    totals: { specs: 0, total_tasks: 0, completed_tasks: 0, ready: 0, in_progress: 0, blocked: 0 },
  };
  // Active specs first: they are the ones being worked on.
  const refs = listSpecFiles(loc.specsDir);
  const rank = (f: string | undefined): number => (f === "active" ? 0 : f === "pending" ? 1 : f === "completed" ? 2 : 3);
  refs.sort((a, b) => rank(a.folder) - rank(b.folder));
  for (const ref of refs) {
    if (wanted !== undefined && !wanted.has(ref.id)) continue;
    const shown = displayPath(ref.file, o.cwd);
    let doc: unknown;
    try {
      doc = readJsonFile(ref.file, shown).value;
    } catch (err) {
      if (!(err instanceof SddError)) throw err;
      board.unreadable.push({ spec_id: ref.id, file: shown, error: err.message });
      continue;
    }
    const h = hierarchyOf(doc);
    const held = ledger.heldFor(ref.id, nowMs);
    const p = progressOf(doc);
    const spec: BoardSpec = {
      spec_id: ref.id,
      folder: ref.folder ?? null,
      file: shown,
      title: specTitle(doc),
      total_tasks: p.total_tasks,
      completed_tasks: p.completed_tasks,
      percentage: p.percentage,
      ready: ref.folder === "active" ? readyTasks(doc, ref.id, held, nowMs).length : null,
      in_progress: [],
      blocked: [],
    };
    for (const { id } of workOrder(doc)) {
      const node = own(h, id);
      if (!isObject(node)) continue;
      const s = summarize(h, id);
      const md = isObject(node.metadata) ? node.metadata : {};
      const elsewhere = held.get(id);
      if (s.status === "in_progress" || (s.status === "pending" && elsewhere !== undefined)) {
        const c = claimOf(node) ?? elsewhere;
        const since = c?.claimed_at ?? (typeof md.started_at === "string" ? md.started_at : null);
        spec.in_progress.push({
          task_id: id,
          title: s.title,
          agent: c?.agent ?? null,
          since,
          age_seconds: ageSeconds(since, nowMs),
          lease_expires_at: c?.lease_expires_at ?? null,
          lease_expired: c !== undefined && !isLive(c, nowMs),
          claimed_in: c === undefined ? null : claimOf(node) !== undefined ? "spec" : "worktree",
        });
      } else if (s.status === "blocked") {
        spec.blocked.push({ task_id: id, title: s.title, reason: blockedReason(md) });
      }
    }
    board.specs.push(spec);
    const t = board.totals;
    t.specs++;
    t.total_tasks += spec.total_tasks;
    t.completed_tasks += spec.completed_tasks;
    t.ready += spec.ready ?? 0;
    t.in_progress += spec.in_progress.length;
    t.blocked += spec.blocked.length;
  }
  return board;
}
