/** move-spec: move a spec to another status folder, under the spec's lock. */
import { Argument, type Command } from "commander";
import { SPEC_FOLDERS } from "../core/spec/model.js";
import type { CliContext } from "./_shared.js";
import { runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";

interface ForceFlags extends MutationFlags {
  force?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("move-spec")
      .description("move a spec to another folder, keeping metadata.status in step (to completed/ only when complete, unless --force)")
      .argument("<spec>", "spec id or file")
      .addArgument(new Argument("<folder>", "target folder").choices(SPEC_FOLDERS))
      .option("--force", "move to completed/ even if tasks are open or unjournaled"),
  ).action(async (spec: string, folder: string, flags: ForceFlags) => {
    const { planMove, parseFolder } = await import("../core/mutations/lifecycle.js");
    const to = parseFolder(folder);
    await runMutation(
      ctx,
      flags,
      "move-spec",
      spec,
      (c, types) => planMove(c, to, { journaledTypes: types, force: flags.force === true }),
      (r) => `${r.spec_id}: ${r.result.from ?? "?"}/ -> ${to}/`,
      {
        ok: (r) => ({
          success: true,
          spec_id: r.spec_id,
          old_location: r.result.from,
          new_location: to,
          moved_at: r.timestamp ?? null,
          backup_created: r.history_seq !== undefined,
        }),
        failed: () => ({ success: false, spec_id: spec }),
      },
    );
  });
}
