/**
 * Every command, registered from one place: a manifest of names, in the order help lists
 * them, each with the loader of its module. A run registers only the command it invokes
 * (its module is the only one loaded); help, completion and an unknown command see all.
 */
import type { Command } from "commander";
import type { CliContext } from "./_shared.js";

export type Register = (program: Command, ctx: CliContext) => void;

export interface CommandEntry {
  /** The command's name, as its module registers it. */
  name: string;
  load: () => Promise<Register>;
  /** The command works on the whole program (completion scripts list every command). */
  needsAll?: true;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: "validate", load: async () => (await import("./validate.js")).register },
  { name: "fix", load: async () => (await import("./fix.js")).register },
  { name: "update-status", load: async () => (await import("./update-status.js")).register },
  { name: "complete-task", load: async () => (await import("./complete-task.js")).register },
  { name: "mark-blocked", load: async () => (await import("./mark-blocked.js")).register },
  { name: "unblock-task", load: async () => (await import("./unblock-task.js")).register },
  { name: "add-journal", load: async () => (await import("./add-journal.js")).register },
  { name: "add-revision", load: async () => (await import("./add-revision.js")).register },
  { name: "update-task-metadata", load: async () => (await import("./update-task-metadata.js")).register },
  { name: "check-journaling", load: async () => (await import("./check-journaling.js")).register },
  { name: "ci", load: async () => (await import("./ci.js")).register },
  { name: "check-complete", load: async () => (await import("./check-complete.js")).register },
  { name: "complete-spec", load: async () => (await import("./complete-spec.js")).register },
  { name: "activate-spec", load: async () => (await import("./activate-spec.js")).register },
  { name: "move-spec", load: async () => (await import("./move-spec.js")).register },
  { name: "progress", load: async () => (await import("./progress.js")).register },
  { name: "list-specs", load: async () => (await import("./list-specs.js")).register },
  { name: "find-specs", load: async () => (await import("./find-specs.js")).register },
  { name: "task-info", load: async () => (await import("./task-info.js")).register },
  { name: "next-task", load: async () => (await import("./next-task.js")).register },
  { name: "check-deps", load: async () => (await import("./check-deps.js")).register },
  { name: "status-report", load: async () => (await import("./status-report.js")).register },
  { name: "create", load: async () => (await import("./create.js")).register },
  { name: "log", load: async () => (await import("./log/index.js")).register },
  { name: "add-task", load: async () => (await import("./add-task.js")).register },
  { name: "history", load: async () => (await import("./history.js")).register },
  { name: "undo", load: async () => (await import("./undo.js")).register },
  { name: "doctor", load: async () => (await import("./doctor.js")).register },
  { name: "init", load: async () => (await import("./init.js")).register },
  { name: "mcp", load: async () => (await import("./mcp.js")).register },
  { name: "merge-driver", load: async () => (await import("./merge-driver.js")).register },
  { name: "completion", load: async () => (await import("./completion.js")).register, needsAll: true },
  { name: "schema", load: async () => (await import("./schema.js")).register },
  { name: "ready", load: async () => (await import("./ready.js")).register },
  { name: "claim", load: async () => (await import("./claim.js")).register },
  { name: "release", load: async () => (await import("./release.js")).register },
  { name: "renew", load: async () => (await import("./renew.js")).register },
  { name: "status", load: async () => (await import("./status.js")).register },
  { name: "get-task", load: async () => (await import("./legacy-reads.js")).registerGetTask },
  { name: "list-blockers", load: async () => (await import("./legacy-reads.js")).registerListBlockers },
  { name: "query-tasks", load: async () => (await import("./legacy-reads.js")).registerQueryTasks },
  { name: "spec-stats", load: async () => (await import("./legacy-reads.js")).registerSpecStats },
  { name: "prepare-task", load: async () => (await import("./legacy-reads.js")).registerPrepareTask },
  { name: "remove-task", load: async () => (await import("./legacy-writes.js")).registerRemoveTask },
  { name: "update-frontmatter", load: async () => (await import("./legacy-writes.js")).registerUpdateFrontmatter },
  { name: "sync-metadata", load: async () => (await import("./legacy-writes.js")).registerSyncMetadata },
  { name: "audit-spec", load: async () => (await import("./retired.js")).registerRetired("audit-spec") },
  { name: "get-journal", load: async () => (await import("./retired.js")).registerRetired("get-journal") },
  { name: "list-phases", load: async () => (await import("./retired.js")).registerRetired("list-phases") },
  { name: "bulk-journal", load: async () => (await import("./retired.js")).registerRetired("bulk-journal") },
  { name: "reconcile-state", load: async () => (await import("./retired.js")).registerRetired("reconcile-state") },
  { name: "validate-spec", load: async () => (await import("./retired.js")).registerRetired("validate-spec") },
  { name: "find-circular-deps", load: async () => (await import("./retired.js")).registerRetired("find-circular-deps") },
];

/**
 * The commands a run must register. `argv` is the hoisted argument list (global options
 * already moved after the command name). Only a run whose first word is a command that
 * does not need the others registers just that command: commander then dispatches to it
 * straight away, as it would with every command registered. Anything else (no command,
 * help, an unknown command, an option before the command) may show help or a suggestion
 * naming every command, so it registers all of them.
 */
export function commandsFor(argv: readonly string[] | undefined): readonly CommandEntry[] {
  if (argv === undefined) return COMMANDS;
  const first = argv[0];
  const entry = COMMANDS.find((c) => c.name === first);
  if (entry !== undefined && entry.needsAll !== true) return [entry];
  // Only the version asked for: commander prints it before looking at any command.
  if (argv.length === 1 && (first === "-V" || first === "--version")) return [];
  return COMMANDS;
}
