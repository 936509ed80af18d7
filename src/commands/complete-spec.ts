/** complete-spec: mark a spec completed and move it to completed/, under the spec's lock. */
import type { Command } from "commander";
import type { CliContext } from "./_shared.js";
import { runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";

interface ForceFlags extends MutationFlags {
  force?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("complete-spec")
      .description("mark a spec completed and move it to completed/; refused while work is open or unjournaled, unless --force")
      .argument("<spec>", "spec id or file")
      .option("--force", "complete even if tasks are open or unjournaled"),
  ).action(async (spec: string, flags: ForceFlags) => {
    const { planCompleteSpec } = await import("../core/mutations/lifecycle.js");
    await runMutation(
      ctx,
      flags,
      "complete-spec",
      spec,
      (c, types) => planCompleteSpec(c, types, flags.force === true),
      (r) => `${r.spec_id}: ${r.result.from ?? "?"}/ -> completed/`,
    );
  });
}
