import { completionDiff } from "../ui/legacy.js";
import { Option, type Command } from "commander";
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

interface CompleteTaskFlags extends MutationFlags {
  note?: string;
  noteFile?: string;
  journalContentFile?: string;
  journalTitle?: string;
  journalContent?: string;
  entryType: string;
  author?: string;
  agent?: string;
  force?: boolean;
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
      .option("--note-file <file>", "the status note from a file, or - for stdin")
      .option("--journal-title <title>", 'journal entry title (default "Task Completed: <title>")')
      .option("--journal-content <text>", "journal entry content")
      .option("--journal-content-file <file>", "journal entry content from a file, or - for stdin")
      .addOption(entryTypeOption("--entry-type <type>", "journal entry type", "status_change"))
      .option("--author <name>", "journal author (default $SDD_AUTHOR or sdd)")
      .option("--agent <name>", "the agent completing it, kept as completed_by (default $SDD_AGENT); a claim it holds is released")
      .option("--force", "complete a task another agent holds a live claim on")
      .addOption(new Option("--bump <part>", "accepted for compatibility, no effect: use sdd add-revision").choices(["major", "minor"]))
      .option("--version <version>", "accepted for compatibility, no effect: use sdd add-revision")
      .option("--show-diff", "accepted for compatibility: the change is in --json (diff, patch); --dry-run shows it unwritten"),
  ).action(async (spec: string, task: string, flags: CompleteTaskFlags) => {
    if (flags.bump !== undefined || flags.version !== undefined) {
      ctx.notice("--bump/--version record no revision in sdd; run sdd add-revision SPEC VERSION CHANGES");
    }
    if (flags.showDiff === true)
      ctx.notice("--show-diff has no effect: the change is in --json (diff, patch); --dry-run shows it unwritten");
    const [{ planCompleteTask }, { getNode }, claims, { completionGuard }, { ConflictError }, { agentOf }, { locateSpecs }] =
      await Promise.all([
        import("../core/mutations/status.js"),
        import("../core/mutations/node.js"),
        import("../core/claims/index.js"),
        import("../core/mutations/claims.js"),
        import("../core/errors.js"),
        import("./_claims.js"),
        import("./_read.js"),
      ]);
    await requireNonEmpty("journal-title", flags.journalTitle);
    const note = await textOption("note", flags.note, flags.noteFile, ctx.cwd);
    const journalContent = await textOption("journal-content", flags.journalContent, flags.journalContentFile, ctx.cwd);
    const agent = agentOf(flags, ctx.env);
    const loc = await locateSpecs(ctx, flags);
    const claimScope = { cwd: ctx.cwd, env: ctx.env, specsDir: loc.specsDir, task };
    const done = await runMutation(
      ctx,
      flags,
      "complete-task",
      spec,
      (c, journaledTypes) => {
        const node = getNode(c.doc, task, c.ref.id, c.ref.file);
        // A task another agent holds (here, or in another worktree) is theirs to complete.
        const held = claims.ledgerClaim({ ...claimScope, spec: c.ref.id });
        const guard = completionGuard(node, held, { agent, force: flags.force === true, nowMs: Date.parse(c.timestamp) });
        if (guard.refused !== undefined) {
          throw new ConflictError("claim-held", `task ${JSON.stringify(task)} is ${guard.refused}; nothing was changed`, {
            file: c.ref.file,
            fix: `sdd complete-task ${c.ref.id} ${task} --agent ${guard.holder?.agent ?? "NAME"}   # or add --force`,
          });
        }
        // The Python tool's wording, so tools that read the journal find the note where they did.
        const content = journalContent ?? `Task ${task} marked as completed.${note === undefined ? "" : ` \nNote: ${note}`}`;
        return planCompleteTask(c, {
          task,
          status: "completed",
          note,
          journaledTypes,
          agent,
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
    if (done !== undefined && !done.dry_run && done.changed)
      await claims.endClaimOnCompletion({ ...claimScope, spec: done.spec_id, agent });
  });
}
