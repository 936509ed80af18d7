/**
 * Writing commands of the Python tool kept for its scripts: remove-task, update-frontmatter,
 * sync-metadata. Each is one locked transaction like every other write.
 */
import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
import type { CliContext } from "./_shared.js";
import { runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";

interface RemoveFlags extends MutationFlags {
  cascade?: boolean;
}

export function registerRemoveTask(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("remove-task")
      .description("remove a node (with --cascade, its descendants too) and every dependency naming it")
      .argument("<spec>", "spec id or file")
      .argument("<task>", "node id")
      .option("--cascade", "also remove the nodes below it (else a node with children is refused)"),
  ).action(async (spec: string, task: string, flags: RemoveFlags) => {
    const { planRemoveNode } = await import("../core/mutations/structure.js");
    await runMutation(
      ctx,
      flags,
      "remove-task",
      spec,
      (c) => planRemoveNode(c, task, flags.cascade === true),
      (r) => `${r.spec_id}: removed ${r.result.removed.join(", ")}`,
      {
        ok: (r) => ({ success: true, spec_id: r.spec_id, task_id: task, removed: r.result.removed }),
        failed: () => ({ success: false, spec_id: spec, task_id: task }),
      },
    );
  });
}

export function registerUpdateFrontmatter(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("update-frontmatter")
      .description("set one key of the spec's metadata (a string value); metadata.status follows the folder: use move-spec")
      .argument("<spec>", "spec id or file")
      .argument("<key>", "metadata key")
      .argument("<value>", "its value (stored as a string)"),
  ).action(async (spec: string, key: string, value: string, flags: MutationFlags) => {
    if (key === "status") throw new UsageError("metadata.status follows the spec's folder", { fix: "sdd move-spec SPEC FOLDER" });
    if (key.trim() === "") throw new UsageError("the metadata key must not be empty");
    const { planSpecMetadata } = await import("../core/mutations/metadata.js");
    await runMutation(
      ctx,
      flags,
      "update-frontmatter",
      spec,
      (c) => planSpecMetadata(c, { [key]: value }),
      (r) => `${r.spec_id}: metadata.${key} = ${JSON.stringify(value)}`,
      {
        ok: (r) => ({ success: true, spec_id: r.spec_id, updated_fields: [key], updated_at: r.timestamp ?? null }),
        failed: () => ({ success: false, spec_id: spec }),
      },
    );
  });
}

export function registerSyncMetadata(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("sync-metadata")
      .description("store the computed progress_percentage and current_phase in the spec's metadata (for tools that read them)")
      .argument("<spec>", "spec id or file"),
  ).action(async (spec: string, flags: MutationFlags) => {
    const { planSyncMetadata } = await import("../core/mutations/metadata.js");
    await runMutation(
      ctx,
      flags,
      "sync-metadata",
      spec,
      (c) => planSyncMetadata(c),
      (r) => (r.changed ? `${r.spec_id}: metadata synced` : `${r.spec_id}: metadata already in step`),
      {
        ok: (r) => ({
          success: true,
          spec_id: r.spec_id,
          synced_fields: ["progress", "current_phase"],
          updated_at: r.timestamp ?? null,
          changes_made: r.changed,
        }),
        failed: () => ({ success: false, spec_id: spec }),
      },
    );
  });
}
