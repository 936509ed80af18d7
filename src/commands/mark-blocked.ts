import { Option, type Command } from "commander";
import { BLOCKER_TYPES } from "../core/spec/model.js";
import type { CliContext } from "./_shared.js";
import { runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";

interface MarkBlockedFlags extends MutationFlags {
  reason: string;
  type: string;
  ticket?: string;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("mark-blocked")
      .description("mark a task blocked, recording why")
      .argument("<spec>", "spec id or file")
      .argument("<task>", "node id")
      .requiredOption("--reason <text>", "what blocks it")
      .addOption(new Option("--type <type>", "kind of blocker").choices(BLOCKER_TYPES).default("dependency"))
      .option("--ticket <id>", "a ticket that tracks the blocker"),
  ).action(async (spec: string, task: string, flags: MarkBlockedFlags) => {
    const { planStatusChange } = await import("../core/mutations/status.js");
    await runMutation(
      ctx,
      flags,
      "mark-blocked",
      spec,
      (c, journaledTypes) =>
        planStatusChange(c, {
          task,
          status: "blocked",
          journaledTypes,
          blocker: { type: flags.type, description: flags.reason, ticket: flags.ticket },
        }),
      (r) => `${r.result.task_id}: ${r.result.old_status} -> blocked (${r.spec_id})`,
      {
        ok: (r) => ({
          success: true,
          task_id: r.result.task_id,
          spec_id: r.spec_id,
          blocked_by: flags.reason,
          reason: flags.reason,
          marked_at: r.timestamp ?? null,
        }),
        failed: () => ({ success: false, task_id: task, spec_id: spec, blocked_by: flags.reason, reason: flags.reason, marked_at: null }),
      },
    );
  });
}
