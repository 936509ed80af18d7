import type { Command } from "commander";
import { registerHoldCommand } from "./_claims.js";
import type { CliContext } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  registerHoldCommand(
    program,
    ctx,
    "release",
    "give a claim up: the task goes back to pending and is ready again; another agent's claim needs --force; exit 3 when held by another agent",
    (cmd) => cmd.option("--force", "release a claim another agent holds"),
  );
}
