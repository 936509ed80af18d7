import type { Command } from "commander";
import { ExitCode } from "../../core/errors.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "../_shared.js";
import { locateSpecs } from "../_read.js";

export function register(log: Command, ctx: CliContext): void {
  withGlobalOptions(log.command("list").description("list the work items: id, state, title")).action(async (flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const { listItems } = await import("../../core/worklog/ops/edit.js");
    const rows = listItems({ loc, cwd: ctx.cwd });
    ctx.report({
      command: "log list",
      exitCode: ExitCode.ok,
      payload: { items: rows },
      text: () => (rows.length === 0 ? ["no work items"] : rows.map((r) => `${r.state === "done" ? "[x]" : "[ ]"} ${r.id}  ${r.title}`)),
    });
  });
}
