/**
 * Commands of the Python tool that sdd does not provide: each still parses (so a script
 * gets a clear answer, not "unknown command") and exits 2 naming what to use instead.
 */
import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
import type { Register } from "./index.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export const RETIRED: Readonly<Record<string, { why: string; instead: string }>> = {
  "audit-spec": {
    why: "its checks (missing file_path, dependency cycles) are validate rules now",
    instead: "sdd validate SPEC",
  },
  "get-journal": { why: "a node's journal entries are part of task-info", instead: "sdd task-info SPEC TASK --json   # .journal_entries" },
  "list-phases": { why: "phases are listed by status-report", instead: "sdd status-report SPEC --json   # .phases" },
  "bulk-journal": {
    why: "journal entries are written one node at a time, with their own text",
    instead: "sdd check-journaling SPEC, then sdd add-journal SPEC --task-id NODE ... per node",
  },
  "reconcile-state": { why: "status and roll-up repairs are fix's job", instead: "sdd fix SPEC --dry-run" },
  "validate-spec": { why: "it was the older name of validate", instead: "sdd validate SPEC" },
  "find-circular-deps": { why: "dependency cycles are a validate rule (dependency-cycle)", instead: "sdd validate SPEC" },
};

export function registerRetired(name: string): Register {
  return (program: Command, ctx: CliContext) => {
    const r = RETIRED[name] as { why: string; instead: string };
    withGlobalOptions(
      program
        .command(name)
        .description(`not provided by sdd (${r.why}): use ${r.instead}`)
        .argument("[args...]", "ignored")
        .allowUnknownOption(),
    ).action((_args: string[], flags: GlobalOptions) => {
      ctx.setGlobals(flags, ["text", "json"]);
      throw new UsageError(`sdd has no ${name}: ${r.why}`, { code: "command-retired", fix: r.instead });
    });
  };
}
