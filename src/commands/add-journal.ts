import { compactStamp } from "../ui/legacy.js";
import type { Command } from "commander";
import type { CliContext } from "./_shared.js";
import {
  defaultAuthor,
  entryTypeOption,
  requireNonEmpty,
  runMutation,
  textOption,
  withMutationOptions,
  type MutationFlags,
} from "./_mutation.js";

interface AddJournalFlags extends MutationFlags {
  title: string;
  content?: string;
  contentFile?: string;
  taskId?: string;
  entryType: string;
  author?: string;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("add-journal")
      .description("append a journal entry; with --task-id the node counts as journaled")
      .argument("<spec>", "spec id or file")
      .requiredOption("--title <title>", "entry title")
      .option("--content <text>", "entry text")
      .option("--content-file <file>", "entry text from a file, or - for stdin (for long text)")
      .option("--task-id <id>", "the node the entry is about (must exist)")
      .addOption(entryTypeOption("--entry-type <type>", "the kind of entry", "note"))
      .option("--author <name>", "author (default $SDD_AUTHOR or sdd)"),
  ).action(async (spec: string, flags: AddJournalFlags) => {
    const { planJournal } = await import("../core/mutations/status.js");
    await requireNonEmpty("title", flags.title);
    const content = await textOption("content", flags.content, flags.contentFile, ctx.cwd);
    if (content === undefined) {
      const { UsageError } = await import("../core/errors.js");
      throw new UsageError("give the entry text with --content or --content-file");
    }
    await runMutation(
      ctx,
      flags,
      "add-journal",
      spec,
      (c) => ({
        ops: planJournal(c, {
          title: flags.title,
          content,
          entryType: flags.entryType,
          author: flags.author ?? defaultAuthor(ctx.env),
          taskId: flags.taskId,
        }),
        result: { task_id: flags.taskId ?? null, timestamp: c.timestamp, title: flags.title },
      }),
      (r) => `journal entry added to ${r.spec_id}${flags.taskId === undefined ? "" : ` for ${flags.taskId}`}`,
      {
        ok: (r) => ({
          success: true,
          entry_id: `journal-${compactStamp(r.result.timestamp)}`,
          spec_id: r.spec_id,
          task_id: flags.taskId ?? null,
          timestamp: r.result.timestamp,
          entry_text: flags.content,
        }),
        failed: () => ({ success: false, spec_id: spec }),
      },
    );
  });
}
