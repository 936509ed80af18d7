/** complete-spec, activate-spec and move-spec: folder moves under the spec's lock. */
import { Argument, type Command } from "commander";
import { SPEC_FOLDERS } from "../core/spec.js";
import type { CliContext } from "./_shared.js";
import { runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";
import { taskNodeCount } from "../ui/legacy.js";

interface ForceFlags extends MutationFlags {
  force?: boolean;
  skipDocRegen?: boolean;
}

export function registerCompleteSpec(program: Command, ctx: CliContext): void {
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

export function registerActivateSpec(program: Command, ctx: CliContext): void {
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
        ok: (r) => ({ success: true, spec_id: r.spec_id, old_folder: r.result.from, new_folder: "active", activated_at: r.timestamp ?? null }),
        failed: () => ({ success: false, spec_id: spec, new_folder: "active", activated_at: null }),
      },
    );
  });
}

export function registerMoveSpec(program: Command, ctx: CliContext): void {
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
