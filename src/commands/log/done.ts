import type { Command } from "commander";
import { ExitCode } from "../../core/errors.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "../_shared.js";
import { locateSpecs } from "../_read.js";

interface DoneFlags extends GlobalOptions {
  date?: string;
  force?: boolean;
}

export function register(log: Command, ctx: CliContext): void {
  withGlobalOptions(
    log
      .command("done")
      .description("check a work item off (Done: today); refused while its linked SDD spec is incomplete, unless --force")
      .argument("<item>", "work-item id")
      .option("--date <YYYY-MM-DD>", "the Done date (default today)")
      .option("--force", "mark done even if the linked spec is not complete"),
  ).action(async (id: string, flags: DoneFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const [{ markItemDone }, { fieldValue }] = await Promise.all([
      import("../../core/worklog/ops/edit.js"),
      import("../../core/worklog/model.js"),
    ]);
    const { before: item, item: next } = await markItemDone({
      loc,
      cwd: ctx.cwd,
      env: ctx.env,
      id,
      force: flags.force === true,
      ...(flags.date === undefined ? {} : { date: flags.date }),
    });
    ctx.report({
      command: "log done",
      exitCode: ExitCode.ok,
      payload: { id: item.id, item: next },
      text: () => [`${item.id}: done (${fieldValue(next, "Done") ?? ""})`],
    });
  });
}
