/** activate-spec: move a spec from pending/ to active/, under the spec's lock. */
import type { Command } from "commander";
import type { CliContext } from "./_shared.js";
import { runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("activate-spec")
      .description("move a spec from pending/ to active/ and set metadata.status")
      .argument("<spec>", "spec id or file"),
  ).action(async (spec: string, flags: MutationFlags) => {
    const { planActivate } = await import("../core/mutations/lifecycle.js");
    await runMutation(
      ctx,
      flags,
      "activate-spec",
      spec,
      (c) => planActivate(c),
      (r) => (r.result.already_active ? `${r.spec_id} is already active` : `${r.spec_id}: pending/ -> active/`),
      {
        ok: (r) => ({
          success: true,
          spec_id: r.spec_id,
          old_folder: r.result.from,
          new_folder: "active",
          activated_at: r.timestamp ?? null,
        }),
        failed: () => ({ success: false, spec_id: spec, new_folder: "active", activated_at: null }),
      },
    );
  });
}
