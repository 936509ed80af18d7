import type { Command } from "commander";
import { InternalError } from "../core/errors.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("mcp")
      .description(
        "serve sdd's commands as Model Context Protocol tools, and the specs and the work-item log as resources, over stdio (docs/mcp.md)",
      )
      .option(
        "--agent <name>",
        "the agent this server works for: the default agent of claims and author of journal entries (sets SDD_AGENT, and SDD_AUTHOR unless set)",
      ),
  ).action(async (flags: GlobalOptions & { agent?: string }) => {
    // stdout carries the protocol: nothing else may be printed there.
    ctx.setGlobals(flags, ["text"]);
    if (ctx.runner === undefined) throw new InternalError("sdd mcp needs the CLI to run its tools");
    // A person who ran it by hand is told what it waits for; a client never sees this.
    if (ctx.io.stdinIsTTY)
      ctx.io.stderr("sdd mcp: serving the Model Context Protocol on stdin/stdout, for an MCP client (docs/mcp.md); Ctrl-D stops it\n");
    const { serveMcp } = await import("../mcp/server.js");
    // One server per agent: who it is goes to every call, as the environment a CLI user would set.
    const author = ctx.env.SDD_AUTHOR !== undefined && ctx.env.SDD_AUTHOR !== "" ? ctx.env.SDD_AUTHOR : flags.agent;
    const env = flags.agent === undefined ? ctx.env : { ...ctx.env, SDD_AGENT: flags.agent, SDD_AUTHOR: author };
    await serveMcp({ runner: ctx.runner, cwd: ctx.cwd, env, specsDir: flags.specsDir, path: flags.path });
  });
}
