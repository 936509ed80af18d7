/**
 * The claims ledger: one JSON file in the git common directory, shared by every worktree
 * of a repository, changed only under its own lock. An agent in one worktree sees what
 * another worktree claimed before either commits.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../store/atomic.js";
import { DataError } from "../errors.js";
import { withSpecLock } from "../store/lock.js";
import { isLive, type Claim } from "../mutations/claims.js";
import { isObject } from "../spec/model.js";

export const LEDGER_DIR = "sdd";
export const LEDGER_FILE = "claims.json";

export interface RemoteClaimRef {
  name: string;
  ref: string;
  sha: string;
}

export interface LedgerEntry extends Claim {
  spec_id: string;
  task_id: string;
  /** The worktree that claimed it. */
  worktree: string | null;
  remote?: RemoteClaimRef;
}

export class Ledger {
  changed = false;

  constructor(
    readonly file: string | undefined,
    readonly entries: Map<string, LedgerEntry>,
  ) {}

  static key(spec: string, task: string): string {
    return `${spec}/${task}`;
  }

  get(spec: string, task: string): LedgerEntry | undefined {
    return this.entries.get(Ledger.key(spec, task));
  }

  /**
   * Live claims for one spec, by task id; with `self`, only those of other holders: an agent
   * of the same name in another worktree is another holder.
   */
  heldFor(spec: string, nowMs: number, self?: { agent: string; worktree: string | null }): Map<string, Claim> {
    const out = new Map<string, Claim>();
    for (const e of this.entries.values()) {
      if (e.spec_id !== spec || !isLive(e, nowMs)) continue;
      if (self !== undefined && e.agent === self.agent && (e.worktree ?? null) === self.worktree) continue;
      out.set(e.task_id, e);
    }
    return out;
  }

  set(entry: LedgerEntry): void {
    this.entries.set(Ledger.key(entry.spec_id, entry.task_id), entry);
    this.changed = true;
  }

  delete(spec: string, task: string): void {
    if (this.entries.delete(Ledger.key(spec, task))) this.changed = true;
  }

  /** Drop entries expired for longer than a day, so the file does not grow for ever. */
  prune(nowMs: number): void {
    for (const [k, e] of this.entries) {
      const t = Date.parse(e.lease_expires_at);
      if (!Number.isFinite(t) || t < nowMs - 86_400_000) {
        this.entries.delete(k);
        this.changed = true;
      }
    }
  }
}

export function ledgerPath(commonDir: string): string {
  return join(commonDir, LEDGER_DIR, LEDGER_FILE);
}

export function readLedger(commonDir: string | undefined): Ledger {
  if (commonDir === undefined) return new Ledger(undefined, new Map());
  const file = ledgerPath(commonDir);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return new Ledger(file, new Map());
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DataError("ledger-unreadable", `${file}: the claims ledger does not parse: ${(err as Error).message}`, {
      file,
      fix: `remove ${file} (claims recorded in the specs themselves are kept)`,
    });
  }
  const entries = new Map<string, LedgerEntry>();
  const claims = isObject(value) && isObject(value.claims) ? value.claims : {};
  for (const e of Object.values(claims)) {
    if (!isObject(e) || typeof e.spec_id !== "string" || typeof e.task_id !== "string" || typeof e.agent !== "string") continue;
    entries.set(Ledger.key(e.spec_id, e.task_id), e as unknown as LedgerEntry);
  }
  return new Ledger(file, entries);
}

function writeLedger(ledger: Ledger): void {
  if (ledger.file === undefined || !ledger.changed) return;
  const claims: Record<string, LedgerEntry> = {};
  for (const k of [...ledger.entries.keys()].sort()) claims[k] = ledger.entries.get(k) as LedgerEntry;
  writeFileAtomic(ledger.file, JSON.stringify({ schema_version: 1, claims }, null, 2) + "\n");
}

/**
 * Run `fn` with the ledger read under its lock, and write it back if `fn` changed it.
 * Outside a git repository there is no ledger: `fn` gets an empty one that is not saved.
 */
export async function withLedger<T>(commonDir: string | undefined, timeoutMs: number, fn: (ledger: Ledger) => Promise<T> | T): Promise<T> {
  if (commonDir === undefined) return await fn(new Ledger(undefined, new Map()));
  const dir = join(commonDir, LEDGER_DIR);
  mkdirSync(dir, { recursive: true });
  return withSpecLock(dir, "claims-ledger", timeoutMs, async () => {
    const ledger = readLedger(commonDir);
    try {
      return await fn(ledger);
    } finally {
      writeLedger(ledger);
    }
  });
}
