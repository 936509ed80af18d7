/**
 * The one lock helper. A spec's lock is keyed by its id, not its path, so it
 * also covers moves between folders: `<specs>/.locks/<id>.lock`, a directory made with
 * mkdir and kept fresh by its mtime, the on-disk protocol of proper-lockfile, plus an owner
 * token `<specs>/.locks/<id>.lock.owner` so a holder can tell whether the lock is still its own.
 *
 * - waiting is bounded and in turn (lock-queue.ts): the lock is tried again the moment it is
 *   released, oldest waiter first, until the timeout, then exit 3;
 * - a lock not refreshed for LOCK_STALE_MS (its holder died or is frozen) is taken over;
 * - the holder's work is synchronous, so no timer can refresh the lock while it runs: the
 *   holder refreshes it itself, synchronously, at each step (`guard.refresh()`), and checks
 *   right before replacing a file that the lock is still its own (`guard.assertHeld()`).
 *   A holder that stalled past the stale time and was taken over finds another owner's
 *   token there and stops with exit 3, writing nothing;
 * - release removes the lock only while it is still this process's own.
 */
import { mkdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { asFileError, TEMP_SUFFIX } from "./atomic.js";
import { ConflictError, DataError, UsageError } from "../errors.js";
import { removeTickets, waitForLock } from "./lock-queue.js";

/**
 * A lock not refreshed for this long is taken over. SDD_LOCK_STALE_MS (whole milliseconds)
 * shortens it for the crash and fencing tests only, so a test need neither wait 5 s per
 * takeover nor write a spec of gigabytes to outlast it; it is not a user setting.
 */
export const LOCK_STALE_MS = /^[1-9]\d*$/.test(process.env.SDD_LOCK_STALE_MS ?? "") ? Number(process.env.SDD_LOCK_STALE_MS) : 5_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
export const LOCKS_DIR = ".locks";
export const OWNER_SUFFIX = ".owner";

export interface LockGuard {
  /**
   * Throws a ConflictError (exit 3, "lock-lost") unless this process still owns the lock;
   * refreshes it when it does. Called right before a file is replaced.
   */
  assertHeld(): void;
  /** The same check, for the steps of a long transaction: keeps the lock fresh. */
  refresh(): void;
  /** Milliseconds spent waiting for the lock. */
  waitedMs: number;
}

interface Held {
  key: string;
  dir: string;
  ownerFile: string;
  token: string;
  ino: number;
  mtimeMs: number;
  released: boolean;
}

/** Locks this process holds, removed (if still its own) when it is interrupted. */
const heldLocks = new Set<Held>();

// Interrupted (SIGINT/SIGTERM end in process.exit): release what is still this process's own.
process.on("exit", () => {
  removeTickets();
  releaseHeldLocks();
});

/** Unique enough across processes and takeovers: pid, a high-resolution clock, randomness. */
function newToken(): string {
  return `${process.pid}-${process.hrtime.bigint().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export function lockPathFor(specsDir: string, key: string): string {
  return join(specsDir, LOCKS_DIR, key);
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** One attempt: the lock, or undefined when a live holder has it. */
function tryAcquire(target: string, key: string): Held | undefined {
  const dir = `${target}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if (code(err) !== "EEXIST") throw asFileError(err, dir, "take the lock");
      let seen: { ino: number; mtimeMs: number };
      try {
        seen = statSync(dir);
      } catch (e) {
        if (code(e) === "ENOENT") continue; // released meanwhile: try again
        throw asFileError(e, dir, "take the lock");
      }
      if (seen.mtimeMs >= Date.now() - LOCK_STALE_MS) return undefined;
      // Stale: its holder died or is frozen. Take it over; a frozen holder that resumes
      // finds this process's token and stops before writing.
      if (!removeStale(dir, seen)) return undefined;
      continue;
    }
    const held: Held = { key, dir, ownerFile: dir + OWNER_SUFFIX, token: newToken(), ino: 0, mtimeMs: 0, released: false };
    try {
      const tmp = `${held.ownerFile}.${held.token}${TEMP_SUFFIX}`;
      writeFileSync(tmp, held.token + "\n");
      renameSync(tmp, held.ownerFile);
      const st = statSync(dir);
      held.ino = st.ino;
      held.mtimeMs = st.mtimeMs;
    } catch (err) {
      try {
        rmdirSync(dir);
      } catch {
        // taken over already
      }
      throw asFileError(err, held.ownerFile, "take the lock");
    }
    heldLocks.add(held);
    return held;
  }
  return undefined;
}

/**
 * Remove a stale lock, one waiter at a time: two waiters that both saw it stale must not
 * have the second remove the fresh lock the first just took. Under `<lock>.takeover` (a
 * mkdir, like the lock) the lock is removed only if it is still the one seen stale. False
 * when another waiter is doing it.
 */
function removeStale(dir: string, seen: { ino: number; mtimeMs: number }): boolean {
  const gate = `${dir}.takeover`;
  try {
    mkdirSync(gate);
  } catch (err) {
    if (code(err) !== "EEXIST") throw asFileError(err, gate, "take over the stale lock");
    try {
      // Left by a process that died taking over: stale like a lock.
      if (statSync(gate).mtimeMs < Date.now() - LOCK_STALE_MS) rmdirSync(gate);
    } catch {
      // removed meanwhile
    }
    return false;
  }
  try {
    const now = statSync(dir);
    if (now.ino === seen.ino && now.mtimeMs === seen.mtimeMs) rmdirSync(dir);
  } catch (err) {
    if (code(err) !== "ENOENT") throw asFileError(err, dir, "take over the stale lock");
  } finally {
    try {
      rmdirSync(gate);
    } catch {
      // removed as stale by another waiter
    }
  }
  return true;
}

/** Whether the lock is still this process's own: the same directory, last touched by it, with its token. */
function stillOwned(held: Held): boolean {
  if (held.released) return false;
  try {
    const st = statSync(held.dir);
    if (st.ino !== held.ino || st.mtimeMs !== held.mtimeMs) return false;
    return readFileSync(held.ownerFile, "utf8").trim() === held.token;
  } catch {
    return false;
  }
}

function lostError(held: Held): ConflictError {
  return new ConflictError(
    "lock-lost",
    `lost the lock on ${JSON.stringify(held.key)} before writing (this process stalled for over ${LOCK_STALE_MS} ms and another sdd process took the lock over); nothing was written`,
    { file: held.dir, fix: "Retry the command." },
  );
}

function refresh(held: Held): void {
  if (!stillOwned(held)) throw lostError(held);
  try {
    const now = new Date();
    utimesSync(held.dir, now, now);
    held.mtimeMs = statSync(held.dir).mtimeMs;
  } catch (err) {
    throw code(err) === "ENOENT" ? lostError(held) : asFileError(err, held.dir, "refresh the lock");
  }
}

function release(held: Held): void {
  if (held.released) return;
  const mine = stillOwned(held);
  held.released = true;
  heldLocks.delete(held);
  // Never remove a lock that another process has taken over.
  if (!mine) return;
  try {
    unlinkSync(held.ownerFile);
    rmdirSync(held.dir);
  } catch {
    // already gone
  }
}

/** Release every lock this process holds (signal handler: the process is about to exit). */
export function releaseHeldLocks(): void {
  for (const h of [...heldLocks]) release(h);
}

function guardFor(held: Held, waitedMs: number): LockGuard {
  return { waitedMs, assertHeld: () => refresh(held), refresh: () => refresh(held) };
}

function lockDirOf(specsDir: string): string {
  const dir = join(specsDir, LOCKS_DIR);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new DataError("lock-dir", `cannot create the lock directory ${dir} (${code(err) ?? String(err)})`, { file: dir });
  }
  return dir;
}

export async function withSpecLock<T>(
  specsDir: string,
  key: string,
  timeoutMs: number,
  fn: (guard: LockGuard) => Promise<T> | T,
): Promise<T> {
  lockDirOf(specsDir);
  const target = lockPathFor(specsDir, key);
  const started = Date.now();
  let held: Held | undefined;
  const got = await waitForLock({
    lockDir: `${target}.lock`,
    deadline: started + timeoutMs,
    token: newToken(),
    attempt: () => (held = tryAcquire(target, key)) !== undefined,
  });
  if (!got || held === undefined) {
    throw new ConflictError("lock-timeout", `spec ${JSON.stringify(key)} is locked by another sdd process; gave up after ${timeoutMs} ms`, {
      file: `${target}.lock`,
      fix: "Retry, or raise --lock-timeout. A lock whose holder died is taken over after 5 s; `sdd doctor` lists stale locks.",
    });
  }
  try {
    return await fn(guardFor(held, Date.now() - started));
  } finally {
    release(held);
  }
}

/**
 * Fault injection for the fencing tests: with SDD_TEST_STOP=<point> the process stops
 * itself (SIGSTOP, as Ctrl-Z or a paused VM would) at that point of a transaction, so a
 * test can let other writers take the lock over before it continues (SIGCONT), or, with
 * "before-lock", hold a started writer back until another one holds the lock.
 */
export function stopPoint(point: "before-lock" | "after-lock" | "before-write"): void {
  if (process.env.SDD_TEST_STOP === point) process.kill(process.pid, "SIGSTOP");
}

/** A `--lock-timeout` value (`5s`, `500ms`, `2`) in milliseconds. */
export function parseLockTimeout(value: string | undefined, fallback = DEFAULT_LOCK_TIMEOUT_MS): number {
  if (value === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value.trim());
  if (m?.[1] === undefined) throw new UsageError(`--lock-timeout ${JSON.stringify(value)}: give a duration such as 5s or 500ms`);
  return Math.round(Number(m[1]) * (m[2] === "ms" ? 1 : 1000));
}

/**
 * Take a spec's lock without waiting (for repairs that must not race a writer, such as
 * `doctor --fix`): a held lock is a ConflictError (exit 3), never a wait.
 */
export function withSpecLockNow<T>(specsDir: string, key: string, fn: (guard: LockGuard) => T): T {
  lockDirOf(specsDir);
  const target = lockPathFor(specsDir, key);
  const held = tryAcquire(target, key);
  if (held === undefined) {
    throw new ConflictError("locked", `spec ${JSON.stringify(key)} is locked by a running sdd process; retry when it is done`, {
      file: `${target}.lock`,
    });
  }
  try {
    return fn(guardFor(held, 0));
  } finally {
    release(held);
  }
}
