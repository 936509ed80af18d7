import type { Command } from "commander";
import { ExitCode } from "../../core/errors.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "../_shared.js";
import { worklog } from "./_places.js";

export function register(log: Command, ctx: CliContext): void {
  withGlobalOptions(log.command("list").description("list the work items: id, state, title")).action(async (flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const { places, store } = await worklog(ctx, flags);
    const { items } = store.readItems(places, ctx.cwd);
    const rows = items.map((s) => {
      const v = s.loaded.value as { id?: string; state?: string; title?: string };
      return { id: v.id ?? "", state: v.state ?? "", title: v.title ?? "", file: s.shown };
    });
    ctx.report({
      command: "log list",
      exitCode: ExitCode.ok,
      payload: { items: rows },
      text: () => (rows.length === 0 ? ["no work items"] : rows.map((r) => `${r.state === "done" ? "[x]" : "[ ]"} ${r.id}  ${r.title}`)),
    });
  });
}
