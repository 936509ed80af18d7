/**
 * Waiting for a spec's lock in turn. Waiters line up in `<specs>/.locks/<id>.lock.queue/`,
 * one ticket file each, named by the time it joined (so names sort oldest first); only the
 * oldest live ticket tries to take the lock at once, and it tries the moment the lock goes: a watch
 * on the locks folder reports the lock directory's removal, so the lock is handed over on
 * release instead of being found free by the next poll. Without the queue every waiter
 * polls and the one that happens to look first wins, so an unlucky waiter can lose many
 * rounds in a row (a long tail of waits); in turn, every waiter waits for the ones ahead only.
 * The turn is a head start, not a reservation: the others try a few milliseconds per waiter
 * ahead of them later, so the lock is not left idle when the oldest waiter is slow to run.
 *
 * The queue decides only the order. Exclusion is the lock directory's mkdir, as before, so
 * a waiter that ignores the queue (another tool speaking the same on-disk protocol, or a
 * waiter whose ticket went stale) is still safe, only not in turn. A ticket is refreshed
 * while its waiter waits; one not refreshed for TICKET_STALE_MS, or whose process is gone
 * (its waiter died), is skipped and removed. The watch is a speed-up, not a dependency: each waiter also re-checks on a
 * short jittered timer, so a missed event or a platform without watches costs a few
 * milliseconds, never a hang.
 *
 * SDD_LOCK_POLL=1 turns the queue and the watch off (plain polling with growing sleeps), so
 * a benchmark can measure what they buy.
 */
import { mkdirSync, readdirSync, rmdirSync, statSync, unlinkSync, utimesSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { basename, dirname, join } from "node:path";

export const QUEUE_SUFFIX = ".queue";
/** A ticket not refreshed for this long belongs to a waiter that is gone. */
export const TICKET_STALE_MS = 3_000;
const TICKET_REFRESH_MS = 500;
/** How long a released lock is left to each waiter ahead before the next one tries it. */
const GRACE_MS = 4;

/** Tickets this process holds, removed when it exits while waiting. */
const myTickets = new Set<string>();

export function removeTickets(): void {
  for (const t of myTickets) {
    try {
      unlinkSync(t);
    } catch {
      // already gone
    }
  }
  myTickets.clear();
}

export const lockPolling = (): boolean => process.env.SDD_LOCK_POLL === "1";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Whether the waiter of a ticket (`<time>-<pid>-…`) may still be running: a process killed
 * while waiting leaves its ticket, and the ones behind it need not wait for it to go stale.
 * Only "no such process" counts as dead (a process of another user answers EPERM).
 */
function waiterAlive(ticket: string): boolean {
  const pid = Number(/^\d+-(\d+)-/.exec(ticket)?.[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** How many live tickets are older than `mine` (all live tickets, with no ticket of one's own). */
function waitersAhead(queueDir: string, mine: string | undefined): number {
  let names: string[];
  try {
    names = readdirSync(queueDir);
  } catch {
    return 0;
  }
  const now = Date.now();
  const own = mine === undefined ? undefined : basename(mine);
  let ahead = 0;
  for (const n of names.sort()) {
    if (own !== undefined && n >= own) break;
    const f = join(queueDir, n);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(f).mtimeMs;
    } catch {
      continue; // its waiter took the lock or gave up meanwhile
    }
    if (mtimeMs >= now - TICKET_STALE_MS && waiterAlive(n)) {
      ahead++;
      continue;
    }
    try {
      unlinkSync(f); // its waiter died
    } catch {
      // removed by another waiter
    }
  }
  return ahead;
}

export interface WaitOptions {
  /** The lock directory, `<specs>/.locks/<id>.lock`. */
  lockDir: string;
  deadline: number;
  /** One attempt: true when the lock was taken. */
  attempt: () => boolean;
  token: string;
}

/** Polling, as before the queue: sleeps of 2 ms growing to 50 ms, jittered. */
async function pollFor(o: WaitOptions): Promise<boolean> {
  let delay = 2;
  for (;;) {
    if (o.attempt()) return true;
    const left = o.deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(left, delay * (0.5 + Math.random())));
    delay = Math.min(delay * 1.5, 50);
  }
}

/**
 * Wait in turn until `attempt` takes the lock (true) or the deadline passes (false). The
 * first attempt is made at once when nobody is waiting.
 */
export async function waitForLock(o: WaitOptions): Promise<boolean> {
  if (lockPolling()) return pollFor(o);
  const queueDir = o.lockDir + QUEUE_SUFFIX;
  if (waitersAhead(queueDir, undefined) === 0 && o.attempt()) return true;

  let ticket: string | undefined;
  // Twice: the last waiter to leave removes the queue folder, maybe between this one's
  // mkdir and its ticket.
  for (let attempt = 0; attempt < 2 && ticket === undefined; attempt++) {
    try {
      mkdirSync(queueDir, { recursive: true });
      const file = join(queueDir, `${String(Date.now()).padStart(15, "0")}-${o.token}`);
      writeFileSync(file, "");
      ticket = file;
      myTickets.add(ticket);
    } catch {
      // No queue here (a read-only or odd filesystem): wait without a turn.
      ticket = undefined;
    }
  }
  let wake: (() => void) | undefined;
  let watcher: FSWatcher | undefined;
  const name = basename(o.lockDir);
  try {
    watcher = watch(dirname(o.lockDir), { persistent: false }, (_event, file) => {
      if (file === null || String(file).startsWith(name)) wake?.();
    });
    watcher.on("error", () => undefined);
  } catch {
    watcher = undefined;
  }
  const refresher =
    ticket === undefined
      ? undefined
      : setInterval(() => {
          try {
            const now = new Date();
            utimesSync(ticket, now, now);
          } catch {
            // removed (a waiter thought this process gone): it still waits, only not in turn
          }
        }, TICKET_REFRESH_MS);
  refresher?.unref();
  try {
    for (;;) {
      const ahead = ticket === undefined ? 0 : waitersAhead(queueDir, ticket);
      const first = ahead === 0;
      if (!first) {
        // The waiters ahead get the first go, a few milliseconds each; then this one tries
        // too, so a released lock never sits free while the waiter whose turn it is is not
        // running (on a loaded machine it may not be scheduled for a while).
        await sleep(Math.min(ahead, 4) * GRACE_MS * (0.75 + Math.random() / 2));
      }
      if (o.attempt()) return true;
      const left = o.deadline - Date.now();
      if (left <= 0) return false;
      // Woken by the watch; the timer only covers a missed event or a waiter ahead that died.
      const fallback = (first ? 20 : 60) * (0.75 + Math.random() / 2);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, fallback));
        function done(): void {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  } finally {
    watcher?.close();
    if (refresher !== undefined) clearInterval(refresher);
    if (ticket !== undefined) {
      myTickets.delete(ticket);
      try {
        unlinkSync(ticket);
      } catch {
        // already gone
      }
      // The last waiter out leaves no empty queue folder behind (with others still in it,
      // this fails and they remove it in turn).
      try {
        rmdirSync(queueDir);
      } catch {
        // not empty, or already gone
      }
    }
  }
}
