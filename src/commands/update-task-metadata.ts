import { Option, type Command } from "commander";
import { UsageError } from "../core/errors.js";
import { collect, type CliContext } from "./_shared.js";
import { runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";

interface MetadataFlags extends MutationFlags {
  filePath?: string;
  description?: string;
  taskCategory?: string;
  actualHours?: string;
  estimatedHours?: string;
  statusNote?: string;
  verificationType?: string;
  command?: string;
  metadata?: string;
  unset: string[];
  force?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("update-task-metadata")
      .description("set or remove fields of a node's metadata")
      .argument("<spec>", "spec id or file")
      .argument("<task>", "node id")
      .option("--file-path <path>", "metadata.file_path")
      .option("--description <text>", "metadata.description")
      .option("--task-category <category>", "metadata.task_category")
      .option("--actual-hours <hours>", "metadata.actual_hours (a number)")
      .option("--estimated-hours <hours>", "metadata.estimated_hours (a number)")
      .option("--status-note <text>", "metadata.status_note")
      .addOption(new Option("--verification-type <type>", "metadata.verification_type").choices(["auto", "manual", "fidelity"]))
      .option("--command <cmd>", "metadata.command")
      .option("--metadata <json>", "a JSON object merged into metadata (flags win)")
      .option("--unset <key>", "remove a key (repeatable)", collect, [])
      .option("--force", "allow editing keys the status and claim commands keep (started_at, completed_at, claimed_by, ...)"),
  ).action(async (spec: string, task: string, flags: MetadataFlags) => {
    const set: Record<string, unknown> = {};
    if (flags.metadata !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(flags.metadata);
      } catch (err) {
        throw new UsageError(`--metadata is not valid JSON: ${(err as Error).message}`);
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new UsageError("--metadata must be a JSON object");
      Object.assign(set, parsed);
    }
    const num = (flag: string, v: string): number => {
      const n = Number(v);
      if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} ${JSON.stringify(v)}: give a number >= 0`);
      return n;
    };
    if (flags.filePath !== undefined) set.file_path = flags.filePath;
    if (flags.description !== undefined) set.description = flags.description;
    if (flags.taskCategory !== undefined) set.task_category = flags.taskCategory;
    if (flags.actualHours !== undefined) set.actual_hours = num("--actual-hours", flags.actualHours);
    if (flags.estimatedHours !== undefined) set.estimated_hours = num("--estimated-hours", flags.estimatedHours);
    if (flags.statusNote !== undefined) set.status_note = flags.statusNote;
    if (flags.verificationType !== undefined) set.verification_type = flags.verificationType;
    if (flags.command !== undefined) set.command = flags.command;
    const { planTaskMetadata } = await import("../core/mutations/metadata.js");
    await runMutation(
      ctx,
      flags,
      "update-task-metadata",
      spec,
      (c) => planTaskMetadata(c, { task, set, unset: flags.unset, force: flags.force === true }),
      (r) =>
        `${r.result.task_id}: metadata updated (${[...r.result.updated_fields, ...r.result.removed_fields.map((k) => `-${k}`)].join(", ")})`,
      {
        ok: (r) => ({
          success: true,
          task_id: r.result.task_id,
          spec_id: r.spec_id,
          updated_fields: r.result.updated_fields,
          updated_at: r.timestamp ?? null,
          metadata: set,
        }),
        failed: () => ({ success: false, task_id: task, spec_id: spec }),
      },
    );
  });
}
