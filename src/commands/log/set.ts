import type { Command } from "commander";
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
    const [{ setField, removeField, lintWorkItem }, { UsageError, FindingsError }] = await Promise.all([
      import("../../core/worklog/index.js"),
      import("../../core/errors.js"),
    ]);
    const { item } = store.loadItem(places, id, ctx.cwd);
    let next = item;
    if (flags.unset === true) next = removeField(item, key);
    else if (value === undefined) throw new UsageError(`give a value for ${key}, or --unset`);
    else if (key === "title") next = { ...item, title: value };
    else if (key === "tags")
      next = {
        ...item,
        tags: value
          .split(",")
          .map((t) =>
            t
              .trim()
              .replace(/^\[|\]$/g, "")
              .toUpperCase(),
          )
          .filter((t) => t !== ""),
      };
    else next = setField(item, key, value);
    const schema = lintWorkItem(next, {}).filter((f) => f.code === "log-schema");
    if (schema.length > 0)
      throw new FindingsError(
        "work-item-invalid",
        `the work item would be invalid: ${schema.map((f) => `${f.pointer}: ${f.message}`).join("; ")}`,
      );
    await store.saveItem(places, next);
    ctx.report({
      command: "log set",
      exitCode: 0,
      payload: { id: item.id, item: next },
      text: () => [`${item.id}: ${flags.unset === true ? `removed ${key}` : `${key} set`}`],
    });
  });
}
