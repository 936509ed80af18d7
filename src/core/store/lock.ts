/**
 * The one lock helper (CONTRACT 6). A spec's lock is keyed by its id, not its path, so it
 * also covers moves between folders: `<specs>/.locks/<id>.lock`, held with proper-lockfile.
 *
 * - waiting is bounded: retries with short jittered sleeps until the timeout, then exit 3;
 * - a holder refreshes the lock every second; a lock not refreshed for LOCK_STALE_MS (its
 *   holder died) is taken over;
 * - if the lock is lost while held (the holder stalled past the stale time), the write is
 *   refused rather than risk overwriting another writer.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { asFileError } from "./atomic.js";
import { ConflictError, DataError, UsageError } from "../errors.js";

export const LOCK_STALE_MS = 5_000;
export const LOCK_UPDATE_MS = 1_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
export const LOCKS_DIR = ".locks";

export interface LockGuard {
  /** Throws when the lock was lost; called right before the file is replaced. */
  assertHeld(): void;
  /** Milliseconds spent waiting for the lock. */
  waitedMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function lockPathFor(specsDir: string, key: string): string {
  return join(specsDir, LOCKS_DIR, key);
}

export async function withSpecLock<T>(
  specsDir: string,
  key: string,
  timeoutMs: number,
  fn: (guard: LockGuard) => Promise<T> | T,
): Promise<T> {
  const dir = join(specsDir, LOCKS_DIR);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new DataError("lock-dir", `cannot create the lock directory ${dir}: ${(err as Error).message}`, { file: dir });
  }
  const target = lockPathFor(specsDir, key);
  const started = Date.now();
  const deadline = started + timeoutMs;
  let lost: Error | undefined;
  let release: (() => Promise<void>) | undefined;
  let delay = 2;
  for (;;) {
    try {
      release = await lockfile.lock(target, {
        realpath: false,
        stale: LOCK_STALE_MS,
        update: LOCK_UPDATE_MS,
        retries: 0,
        onCompromised: (err) => {
          lost = err;
        },
      });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ELOCKED") throw asFileError(err, `${target}.lock`, "take the lock");
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new ConflictError(
          "lock-timeout",
          `spec ${JSON.stringify(key)} is locked by another sdd process; gave up after ${timeoutMs} ms`,
          {
            file: `${target}.lock`,
            fix: "Retry, or raise --lock-timeout. A lock whose holder died is taken over after 5 s; `sdd doctor` lists stale locks.",
          },
        );
      }
      await sleep(Math.min(left, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 1.5, 50);
    }
  }
  const guard: LockGuard = {
    waitedMs: Date.now() - started,
    assertHeld: () => {
      if (lost !== undefined) {
        throw new ConflictError(
          "lock-lost",
          `lost the lock on spec ${JSON.stringify(key)} before writing (this process stalled for over ${LOCK_STALE_MS} ms); nothing was written`,
          {
            fix: "Retry the command.",
          },
        );
      }
    },
  };
  try {
    return await fn(guard);
  } finally {
    await release().catch(() => undefined);
  }
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
export function withSpecLockNow<T>(specsDir: string, key: string, fn: () => T): T {
  mkdirSync(join(specsDir, LOCKS_DIR), { recursive: true });
  const target = lockPathFor(specsDir, key);
  let release: () => void;
  try {
    release = lockfile.lockSync(target, { realpath: false, stale: LOCK_STALE_MS });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOCKED") {
      throw new ConflictError("locked", `spec ${JSON.stringify(key)} is locked by a running sdd process; retry when it is done`, {
        file: `${target}.lock`,
      });
    }
    throw asFileError(err, `${target}.lock`, "take the lock");
  }
  try {
    return fn();
  } finally {
    try {
      release();
    } catch {
      // already released or taken over
    }
  }
}
