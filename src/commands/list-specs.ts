import { Option, type Command } from "commander";
import { exitCodeFor } from "../core/findings.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

interface ListFlags extends GlobalOptions {
  status: string;
  detailed?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("list-specs")
      .description("list specs by folder, with progress")
      .addOption(
        new Option("--status <folder>", "only this folder").choices(["pending", "active", "completed", "archived", "all"]).default("all"),
      )
      .option("--detailed", "more columns (accepted for compatibility; --json always has every field)"),
  ).action(async (flags: ListFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const { listSpecs } = await import("../core/reports/progress.js");
    const r = listSpecs({ loc, cwd: ctx.cwd, folder: flags.status, detailed: flags.detailed === true });
    ctx.report({
      command: "list-specs",
      legacy: r.legacy,
      exitCode: exitCodeFor({ unreadable: r.unreadable.length }),
      payload: { specs_dir: r.specs_dir, specs: r.rows, unreadable: r.unreadable },
      text: () => [
        ...(r.rows.length === 0 && r.unreadable.length === 0 ? ["no specs"] : []),
        ...r.rows.map(
          (s) =>
            `${(s.status ?? "-").padEnd(9)} ${String(s.progress_percentage).padStart(3)}%  ${s.completed_tasks}/${s.total_tasks}  ${s.spec_id}  ${s.title}`,
        ),
        ...r.unreadable.map((b) => `${(b.status ?? "-").padEnd(9)} unreadable  ${b.spec_id}: ${b.error}`),
      ],
    });
  });
}
