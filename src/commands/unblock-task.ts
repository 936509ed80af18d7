import type { Command } from "commander";
import type { CliContext } from "./_shared.js";
import { runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";

interface UnblockFlags extends MutationFlags {
  resolution?: string;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("unblock-task")
      .description("unblock a blocked task (back to pending); the blocker moves to resolved_blockers")
      .argument("<spec>", "spec id or file")
      .argument("<task>", "node id")
      .option("--resolution <text>", "how the blocker was resolved"),
  ).action(async (spec: string, task: string, flags: UnblockFlags) => {
    const { planStatusChange } = await import("../core/mutations/status.js");
    await runMutation(
      ctx,
      flags,
      "unblock-task",
      spec,
      (c, journaledTypes) =>
        planStatusChange(c, { task, status: "pending", from: "blocked", journaledTypes, resolution: flags.resolution ?? "unblocked" }),
      (r) => `${r.result.task_id}: blocked -> ${r.result.new_status} (${r.spec_id})`,
      {
        ok: (r) => {
          const before = (r.before?.hierarchy as Record<string, { metadata?: Record<string, unknown> }> | undefined)?.[task];
          return {
            success: true,
            task_id: r.result.task_id,
            spec_id: r.spec_id,
            unblocked_at: r.timestamp ?? null,
            // What blocked it (the Python tool echoed the resolution here).
            previously_blocked_by: before?.metadata?.blocker_description ?? null,
          };
        },
        failed: () => ({ success: false, task_id: task, spec_id: spec, unblocked_at: null }),
      },
    );
  });
}
