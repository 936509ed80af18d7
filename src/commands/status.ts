import type { Command } from "commander";
import { exitCodeFor } from "../core/findings.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("status")
      .description(
        "the board: every spec with a progress bar, tasks in progress with owner and age, blocked tasks with the reason, ready count",
      )
      .argument("[spec...]", "spec ids (default: every spec)"),
  ).action(async (specs: string[], flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const [{ statusBoard }, { renderBoard }] = await Promise.all([import("../core/claims/board.js"), import("../ui/board.js")]);
    const board = statusBoard({ cwd: ctx.cwd, env: ctx.env, specsDir: flags.specsDir, path: flags.path, specs });
    ctx.report({
      command: "status",
      exitCode: exitCodeFor({ unreadable: board.unreadable.length }),
      payload: { ...board },
      text: (style) => renderBoard(board, style),
    });
  });
}
