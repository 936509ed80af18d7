import type { Command } from "commander";
import { registerHoldCommand } from "./_claims.js";
import type { CliContext } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  registerHoldCommand(
    program,
    ctx,
    "renew",
    "extend the lease of a claim the agent holds; exit 3 when another agent holds it, 1 when it is not claimed",
    (cmd) => cmd.option("--lease <duration>", "the new lease, from now (default 30m)"),
  );
}
