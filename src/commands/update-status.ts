import { Argument, Option, type Command } from "commander";
import { STATUSES } from "../core/spec/model.js";
import type { CliContext } from "./_shared.js";
import { runMutation, textOption, withMutationOptions, type MutationFlags } from "./_mutation.js";

interface UpdateStatusFlags extends MutationFlags {
  from?: string;
  note?: string;
  noteFile?: string;
  verify?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("update-status")
      .description("set a task's status in one locked transaction (roll-ups and timestamps follow docs/status-rules.md)")
      .argument("[spec]", "spec id or file (asked for on a terminal when missing)")
      .argument("[task]", "node id (asked for on a terminal when missing)")
      .addArgument(new Argument("[status]", "new status (asked for on a terminal when missing)").choices(STATUSES))
      .addOption(
        new Option("--from <status>", "compare-and-swap: change only if the current status is this (else exit 3)").choices(STATUSES),
      )
      .option("--note <text>", "record a status note")
      .option("--note-file <file>", "the status note from a file, or - for stdin")
      .option("--verify", "accepted for compatibility, no effect: sdd runs no verification commands"),
  ).action(async (specArg: string | undefined, taskArg: string | undefined, statusArg: string | undefined, flags: UpdateStatusFlags) => {
    if (flags.verify === true) {
      ctx.notice("--verify runs nothing in sdd: run the verify node's command yourself, then sdd update-status SPEC VERIFY-ID completed");
    }
    const note = await textOption("note", flags.note, flags.noteFile, ctx.cwd);
    const { spec, task, status } = await askMissing(ctx, flags, specArg, taskArg, statusArg);
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
          note,
          journaledTypes,
        }),
      (r) => `${r.result.task_id}: ${r.result.old_status} -> ${r.result.new_status} (${r.spec_id})`,
      {
        ok: (r) => ({
          success: true,
          task_id: r.result.task_id,
          new_status: r.result.new_status,
          old_status: r.result.old_status,
          updated_at: r.timestamp ?? null,
          spec_id: r.spec_id,
          status_note: flags.note ?? null,
        }),
        failed: () => ({
          success: false,
          task_id: task,
          new_status: status,
          old_status: null,
          updated_at: null,
          spec_id: spec,
          status_note: null,
        }),
      },
    );
  });
}

/** Prompt for what is missing, on a terminal only. */
async function askMissing(
  ctx: CliContext,
  flags: UpdateStatusFlags,
  spec?: string,
  task?: string,
  status?: string,
): Promise<{ spec: string; task: string; status: string }> {
  if (spec !== undefined && task !== undefined && status !== undefined) return { spec, task, status };
  const [{ required }, { findSpecsDir, listSpecFiles }, { openSpec }, q] = await Promise.all([
    import("../ui/prompts.js"),
    import("../core/store/discovery.js"),
    import("../core/store/spec-set.js"),
    import("../core/spec/queries.js"),
  ]);
  const gate = ctx.promptGate(flags);
  const discover = () => findSpecsDir({ cwd: ctx.cwd, specsDir: flags.specsDir, path: flags.path, env: ctx.env });
  const s = await required(spec, "spec", gate, ctx.prompter, (p) =>
    p.select({
      message: "Spec",
      choices: listSpecFiles(discover().specsDir).map((r) => ({ value: r.id, name: `${r.id} (${r.folder ?? "?"})` })),
    }),
  );
  const t = await required(task, "task", gate, ctx.prompter, (p) => {
    const doc = openSpec(discover(), s, ctx.cwd).loaded.value;
    const h = q.hierarchyOf(doc);
    const choices = Object.keys(h)
      .filter((id) => q.isWork(h[id]))
      .map((id) => q.summarize(h, id))
      .map((n) => ({ value: n.id, name: `${n.id} [${n.status}] ${n.title}` }));
    return p.select({ message: "Task", choices });
  });
  const st = await required(status, "status", gate, ctx.prompter, (p) =>
    p.select({ message: "New status", choices: STATUSES.map((v) => ({ value: v })) }),
  );
  return { spec: s, task: t, status: st };
}
