import { completionDiff } from "../ui/legacy.js";
import { Option, type Command } from "commander";
import type { CliContext } from "./_shared.js";
import { defaultAuthor, runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";

interface CompleteTaskFlags extends MutationFlags {
  note?: string;
  journalTitle?: string;
  journalContent?: string;
  entryType: string;
  author?: string;
  bump?: string;
  version?: string;
  showDiff?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("complete-task")
      .description("complete a task and journal it, with parents completed by roll-up journaled too, in one transaction")
      .argument("<spec>", "spec id or file")
      .argument("<task>", "node id")
      .option("--note <text>", "status note, also added to the journal entry")
      .option("--journal-title <title>", 'journal entry title (default "Task Completed: <title>")')
      .option("--journal-content <text>", "journal entry content")
      .option("--entry-type <type>", "journal entry type", "status_change")
      .option("--author <name>", "journal author (default $SDD_AUTHOR or sdd)")
      .addOption(new Option("--bump <part>", "accepted for compatibility, no effect: use sdd add-revision").choices(["major", "minor"]))
      .option("--version <version>", "accepted for compatibility, no effect: use sdd add-revision")
      .option("--show-diff", "accepted for compatibility: the change is in --json (diff, patch); --dry-run shows it unwritten"),
  ).action(async (spec: string, task: string, flags: CompleteTaskFlags) => {
    if (flags.bump !== undefined || flags.version !== undefined) {
      ctx.notice("--bump/--version record no revision in sdd; run sdd add-revision SPEC VERSION CHANGES");
    }
    if (flags.showDiff === true)
      ctx.notice("--show-diff has no effect: the change is in --json (diff, patch); --dry-run shows it unwritten");
    const [{ planCompleteTask }, { getNode }] = await Promise.all([
      import("../core/mutations/status.js"),
      import("../core/mutations/node.js"),
    ]);
    await runMutation(
      ctx,
      flags,
      "complete-task",
      spec,
      (c, journaledTypes) => {
        const node = getNode(c.doc, task, c.ref.id, c.ref.file);
        // The Python tool's wording, so tools that read the journal find the note where they did.
        const content =
          flags.journalContent ?? `Task ${task} marked as completed.${flags.note === undefined ? "" : ` \nNote: ${flags.note}`}`;
        return planCompleteTask(c, {
          task,
          status: "completed",
          note: flags.note,
          journaledTypes,
          journal: {
            title: flags.journalTitle ?? `Task Completed: ${String(node.title)}`,
            content,
            entryType: flags.entryType,
            author: flags.author ?? defaultAuthor(ctx.env),
          },
        });
      },
      (r) =>
        `${r.result.task_id}: ${r.result.old_status} -> completed, ${r.result.journal_entries} journal entr${r.result.journal_entries === 1 ? "y" : "ies"} (${r.spec_id})`,
      {
        ok: (r) => ({ dry_run: r.dry_run, task_id: task, spec_id: r.spec_id, diff: completionDiff(r.before, r.after, task) }),
        failed: () => ({ success: false, task_id: task, spec_id: spec }),
      },
    );
  });
}
