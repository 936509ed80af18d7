/**
 * Who holds a claim. An agent's name alone does not say it: two machines (or two clones on
 * one machine) may run an agent under the same name, and each must not take the other's task
 * for its own. Across machines the holder is the agent in one clone, named by the host and a
 * random id kept in the clone's git directory (`sdd/clone-id`, made on first use); across the
 * worktrees of one repository it is the agent in one worktree (the ledger records it).
 */
import { randomUUID } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { DataError } from "../errors.js";
import { LEDGER_DIR } from "./ledger.js";

/** The clone a process runs in. */
export interface Clone {
  host: string;
  clone: string;
}

const CLONE_FILE = "clone-id";

/** This clone's identity; its id is created once, atomically (of two racing first runs, one id wins). */
export function cloneOf(commonDir: string): Clone {
  const dir = join(commonDir, LEDGER_DIR);
  const file = join(dir, CLONE_FILE);
  const read = (): string | undefined => {
    try {
      const id = readFileSync(file, "utf8").trim();
      return id === "" ? undefined : id;
    } catch {
      return undefined;
    }
  };
  let id = read();
  if (id === undefined) {
    const tmp = `${file}.${process.pid}.${randomUUID()}.sdd-tmp`;
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(tmp, randomUUID() + "\n");
      try {
        linkSync(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
    } catch (err) {
      throw new DataError("clone-id", `cannot record this clone's identity in ${file} (${(err as Error).message})`, { file });
    } finally {
      try {
        unlinkSync(tmp);
      } catch {
        // never made
      }
    }
    id = read();
    if (id === undefined) throw new DataError("clone-id", `${file} is empty; remove it and retry`, { file });
  }
  return { host: hostname(), clone: id };
}

/**
 * Whether a remote claim is this holder's own: the same agent in the same clone. A claim
 * written before clones were recorded names only its agent, and is taken by name.
 */
export function sameHolder(
  seen: { agent: string; host?: string | undefined; clone?: string | undefined },
  me: { agent: string } & Clone,
): boolean {
  if (seen.agent !== me.agent) return false;
  if (seen.clone === undefined) return true;
  return seen.clone === me.clone && (seen.host === undefined || seen.host === me.host);
}
