import type { Command } from "commander";
import { ExitCode } from "../../core/errors.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "../_shared.js";
import { worklog } from "./_places.js";

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
    const { places, store } = await worklog(ctx, flags);
    const [{ setField, removeField }, { UsageError }] = await Promise.all([
      import("../../core/worklog/index.js"),
      import("../../core/errors.js"),
    ]);
    if (flags.unset !== true && value === undefined) throw new UsageError(`give a value for ${key}, or --unset`);
    const tagsOf = (v: string): string[] =>
      v
        .split(",")
        .map((t) =>
          t
            .trim()
            .replace(/^\[|\]$/g, "")
            .toUpperCase(),
        )
        .filter((t) => t !== "");
    const { before: item, item: next } = await store.updateItem(places, id, ctx.cwd, (current) => {
      if (flags.unset === true) return removeField(current, key);
      const v = value ?? "";
      if (key === "title") return { ...current, title: v };
      if (key === "tags") return { ...current, tags: tagsOf(v) };
      return setField(current, key, v);
    });
    ctx.report({
      command: "log set",
      exitCode: ExitCode.ok,
      payload: { id: item.id, item: next },
      text: () => [`${item.id}: ${flags.unset === true ? `removed ${key}` : `${key} set`}`],
    });
  });
}
