import type { Command } from "commander";
import { ExitCode } from "../../core/errors.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "../_shared.js";
import { worklog } from "./_places.js";

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
    const { loc, places, store } = await worklog(ctx, flags);
    const [{ markDone, fieldValue }, { FindingsError }] = await Promise.all([
      import("../../core/worklog/index.js"),
      import("../../core/errors.js"),
    ]);
    const { item } = store.loadItem(places, id, ctx.cwd);
    const link = fieldValue(item, "SDD Spec");
    if (link !== undefined && flags.force !== true) {
      const spec = store.specResolver(loc, places, ctx.cwd)(link);
      if (spec !== undefined && !spec.complete) {
        throw new FindingsError("spec-incomplete", `${item.id} links ${link}, which is not complete; finish it first`, {
          fix: `${checkCommand(link)}   # or --force`,
        });
      }
    }
    const { item: next } = await store.updateItem(places, id, ctx.cwd, (current) => markDone(current, flags.date ?? store.today(ctx.env)));
    ctx.report({
      command: "log done",
      exitCode: ExitCode.ok,
      payload: { id: item.id, item: next },
      text: () => [`${item.id}: done (${fieldValue(next, "Done") ?? ""})`],
    });
  });
}

/** The check-complete command for an SDD Spec link (`id`, `path`, or `id#node`). */
function checkCommand(link: string): string {
  const [spec = "", node] = link.replace(/`/g, "").split("#");
  return node === undefined
    ? `sdd check-complete ${spec}`
    : `sdd check-complete ${spec} ${node.startsWith("phase-") ? "--phase" : "--task"} ${node}`;
}
