/** `sdd log …`: the work-item log (docs/worklog.md). */
import type { Command } from "commander";
import type { CliContext } from "../_shared.js";
import * as add from "./add.js";
import * as done from "./done.js";
import * as importCmd from "./import.js";
import * as lint from "./lint.js";
import * as list from "./list.js";
import * as render from "./render.js";
import * as set from "./set.js";

export function register(program: Command, ctx: CliContext): void {
  const log = program.command("log").description("the work-item log: JSON work items and the markdown log rendered from them");
  for (const sub of [render, lint, importCmd, add, set, done, list]) sub.register(log, ctx);
}
