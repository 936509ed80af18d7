/** complete-spec, activate-spec and move-spec: folder moves under the spec's lock. */
import { Argument, type Command } from "commander";
import { SPEC_FOLDERS } from "../core/spec.js";
import type { CliContext } from "./_shared.js";
import { runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";

interface ForceFlags extends MutationFlags {
  force?: boolean;
}

export function registerCompleteSpec(program: Command, ctx: CliContext): void {
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
    );
  });
}
