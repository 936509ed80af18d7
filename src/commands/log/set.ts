import type { Command } from "commander";
import { ExitCode, UsageError } from "../../core/errors.js";
import { locateSpecs } from "../_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "../_shared.js";

interface SetFlags extends GlobalOptions {
  unset?: boolean;
}

export function register(log: Command, ctx: CliContext): void {
  withGlobalOptions(
    log
      .command("set")
      .description("set (or with --unset remove) a field of a work item; title and tags are set the same way")
      .argument("<item>", "work-item id")
      .argument("<field>", 'field key, e.g. Summary, "SDD Spec", or title / tags')
      .argument("[value]", "the value (tags: comma-separated)")
      .option("--unset", "remove the field"),
  ).action(async (id: string, key: string, value: string | undefined, flags: SetFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    if (flags.unset !== true && value === undefined) throw new UsageError(`give a value for ${key}, or --unset`);
    const { setItemField } = await import("../../core/worklog/ops/edit.js");
    const { before: item, item: next } = await setItemField({
      loc,
      cwd: ctx.cwd,
      id,
      key,
      ...(flags.unset === true || value === undefined ? {} : { value }),
    });
    ctx.report({
      command: "log set",
      exitCode: ExitCode.ok,
      payload: { id: item.id, item: next },
      text: () => [`${item.id}: ${flags.unset === true ? `removed ${key}` : `${key} set`}`],
    });
  });
}
