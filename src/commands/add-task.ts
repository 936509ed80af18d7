import { Option, type Command } from "commander";
import { collect, type CliContext } from "./_shared.js";
import { runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";

interface AddTaskFlags extends MutationFlags {
  title: string;
  type: "phase" | "group" | "task" | "subtask" | "verify";
  id?: string;
  description?: string;
  blockedBy: string[];
  command?: string;
  expected?: string;
  filePath?: string;
  category?: string;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("add-task")
      .description(
        "add a phase, group, task, subtask or verify node under a parent; ids follow the phase-N / task-N-K / verify-N-K conventions",
      )
      .argument("<spec>", "spec id or file")
      .argument("<parent>", "parent node id (spec-root for a phase)")
      .requiredOption("--title <title>", "title")
      .addOption(new Option("--type <type>", "node type").choices(["phase", "group", "task", "subtask", "verify"]).default("task"))
      .option("--id <id>", "node id (default: the next free conventional id)")
      .option("--description <text>", "description")
      .option("--blocked-by <id>", "a prerequisite node (repeatable; the reverse blocks link is added too)", collect, [])
      .option("--command <cmd>", "verify nodes: the command to run (metadata.command)")
      .option("--expected <text>", "verify nodes: the expected result (metadata.expected)")
      .option("--file-path <path>", "tasks: the file the task changes (metadata.file_path)")
      .option("--category <category>", "tasks: metadata.task_category (investigation, implementation, refactoring, decision, research)"),
  ).action(async (spec: string, parent: string, flags: AddTaskFlags) => {
    const { planAddNode } = await import("../core/mutations/structure.js");
    const metadata: Record<string, unknown> = {};
    if (flags.type === "verify") {
      metadata.verification_type = flags.command === undefined ? "manual" : "auto";
      if (flags.command !== undefined) metadata.command = flags.command;
      if (flags.expected !== undefined) metadata.expected = flags.expected;
    }
    if (flags.filePath !== undefined) metadata.file_path = flags.filePath;
    if (flags.category !== undefined) metadata.task_category = flags.category;
    await runMutation(
      ctx,
      flags,
      "add-task",
      spec,
      (c) =>
        planAddNode(c, {
          parent,
          title: flags.title,
          type: flags.type,
          id: flags.id,
          description: flags.description,
          blockedBy: flags.blockedBy,
          metadata,
        }),
      (r) => `${r.result.node_id} added under ${r.result.parent} (${r.spec_id})`,
    );
  });
}
