import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
import type { CliContext } from "./_shared.js";
import { runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";

interface UndoFlags extends MutationFlags {
  to?: string;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("undo")
      .description(
        "revert the last recorded change (or every change after --to N) as a new locked transaction; exit 3 if other edits touch the same paths",
      )
      .argument("<spec>", "spec id or file")
      .option("--to <n>", "the history entry to return to (see sdd history)"),
  ).action(async (spec: string, flags: UndoFlags) => {
    const to = flags.to === undefined ? undefined : Number(flags.to);
    if (to !== undefined && !Number.isInteger(to)) throw new UsageError(`--to ${JSON.stringify(flags.to)}: give a history entry number`);
    const [{ planUndo }, { findSpecsDir }] = await Promise.all([import("../core/store/undo.js"), import("../core/store/discovery.js")]);
    const specsDir = findSpecsDir({ cwd: ctx.cwd, specsDir: flags.specsDir, path: flags.path, env: ctx.env }).specsDir;
    await runMutation(
      ctx,
      flags,
      "undo",
      spec,
      (c) => planUndo(c, specsDir, to),
      (r) => `${r.spec_id}: undid ${r.result.undone.map((n) => `#${n}`).join(", ")} (back to #${r.result.to})`,
    );
  });
}
