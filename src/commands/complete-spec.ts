/** complete-spec: mark a spec completed and move it to completed/, under the spec's lock. */
import type { Command } from "commander";
import type { CliContext } from "./_shared.js";
import { runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";
import { taskNodeCount } from "../ui/legacy.js";

interface ForceFlags extends MutationFlags {
  force?: boolean;
  skipDocRegen?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("complete-spec")
      .description("mark a spec completed and move it to completed/; refused while work is open or unjournaled, unless --force")
      .argument("<spec>", "spec id or file")
      .argument("[spec-file]", "accepted for compatibility: the spec is found by its id")
      .option("--force", "complete even if tasks are open or unjournaled")
      .option("--skip-doc-regen", "accepted for compatibility: sdd never regenerates documentation"),
  ).action(async (spec: string, _specFile: string | undefined, flags: ForceFlags) => {
    const { planCompleteSpec } = await import("../core/mutations/lifecycle.js");
    await runMutation(
      ctx,
      flags,
      "complete-spec",
      spec,
      (c, types) => planCompleteSpec(c, types, flags.force === true),
      (r) => `${r.spec_id}: ${r.result.from ?? "?"}/ -> completed/`,
      {
        ok: (r) => ({
          success: true,
          spec_id: r.spec_id,
          completed_at: r.timestamp ?? null,
          total_tasks: taskNodeCount(r.after),
          completion_time: null,
          moved_to: "completed",
        }),
        failed: () => ({ success: false, spec_id: spec, completed_at: null, completion_time: null, moved_to: "completed" }),
      },
    );
  });
}
