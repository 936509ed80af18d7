import { Argument, Option, type Command } from "commander";
import { STATUSES } from "../core/spec.js";
import type { CliContext } from "./_shared.js";
import { runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";

interface UpdateStatusFlags extends MutationFlags {
  from?: string;
  note?: string;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("update-status")
      .description("set a task's status in one locked transaction (roll-ups and timestamps follow docs/status-rules.md)")
      .argument("<spec>", "spec id or file")
      .argument("<task>", "node id")
      .addArgument(new Argument("<status>", "new status").choices(STATUSES))
      .addOption(
        new Option("--from <status>", "compare-and-swap: change only if the current status is this (else exit 3)").choices(STATUSES),
      )
      .option("--note <text>", "record a status note"),
  ).action(async (spec: string, task: string, status: string, flags: UpdateStatusFlags) => {
    const [{ planStatusChange }, { parseStatus }] = await Promise.all([
      import("../core/mutations/status.js"),
      import("../core/mutations/node.js"),
    ]);
    await runMutation(
      ctx,
      flags,
      "update-status",
      spec,
      (c, journaledTypes) =>
        planStatusChange(c, {
          task,
          status: parseStatus(status),
          from: flags.from === undefined ? undefined : parseStatus(flags.from),
          note: flags.note,
          journaledTypes,
        }),
      (r) => `${r.result.task_id}: ${r.result.old_status} -> ${r.result.new_status} (${r.spec_id})`,
    );
  });
}
