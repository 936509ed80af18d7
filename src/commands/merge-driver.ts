import type { Command } from "commander";
import { exitCodeFor } from "../core/findings.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

/** A value for a one-line message: JSON, shortened; a deleted value says so. */
function shown(v: unknown): string {
  if (v === undefined) return "(deleted)";
  const s = JSON.stringify(v);
  return s.length > 200 ? s.slice(0, 197) + "..." : s;
}

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("merge-driver")
      .description(
        "git merge driver for spec and work-item JSON: merges both branches' changes, or leaves both versions with conflict markers (exit 1); register it with sdd init --merge-driver",
      )
      .argument("<base>", "the common ancestor's version (git's %O)")
      .argument("<ours>", "our version, replaced by the result (git's %A)")
      .argument("<theirs>", "their version (git's %B)")
      .argument("[path]", "the file's path in the repository, for messages (git's %P)"),
    { specs: false },
  ).action(async (base: string, ours: string, theirs: string, path: string | undefined, flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const { runMergeDriver } = await import("../core/merge/driver.js");
    const r = runMergeDriver({ cwd: ctx.cwd, base, ours, theirs, path });
    // git shows a driver's stderr to whoever runs the merge: each conflict, with both values.
    for (const u of r.unreadable) ctx.io.stderr(`sdd merge-driver: ${u.message}\n`);
    for (const c of r.conflicts)
      ctx.io.stderr(`sdd merge-driver: ${r.file}: conflict at ${c.pointer || "/"}: ours ${shown(c.ours)}, theirs ${shown(c.theirs)}\n`);
    for (const i of r.invalid) ctx.io.stderr(`sdd merge-driver: ${r.file}: the merged spec would be invalid: ${i}\n`);
    if (!r.merged) {
      ctx.io.stderr(
        `sdd merge-driver: ${r.file}: not merged; it holds both versions between <<<<<<< ours / ======= / >>>>>>> theirs markers. Keep one, apply the other side's change by hand, then run sdd validate.\n`,
      );
    }
    ctx.report({
      command: "merge-driver",
      exitCode: exitCodeFor({ unmet: !r.merged }),
      payload: {
        file: r.file,
        kind: r.kind,
        merged: r.merged,
        conflicts: r.conflicts,
        unreadable: r.unreadable,
        notes: r.notes,
        invalid: r.invalid,
      },
      text: () => (r.merged ? r.notes.map((n) => `sdd merge-driver: ${r.file}: ${n}`) : []),
    });
  });
}
