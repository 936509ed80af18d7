/** Whether a write to a path stays inside a folder, judged on real paths (symlinks resolved). */
import { realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** The real path of `p`, resolving the deepest part that exists (the rest is to be created). */
export function realPathOf(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    if (parent === abs) return abs;
    return join(realPathOf(parent), basename(abs));
  }
}

/**
 * A file written at `target` (a temp file beside it, then a rename) lands in the real folder
 * of its parent: that folder must be `root` or below it. A string comparison would let
 * `linkdir/x` write wherever linkdir points.
 */
export function writesInside(target: string, root: string): boolean {
  const rel = relative(realPathOf(root), realPathOf(dirname(resolve(target))));
  return !(rel === ".." || rel.startsWith(".." + sep) || isAbsolute(rel));
}
