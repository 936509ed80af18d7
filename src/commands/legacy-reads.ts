/**
 * Read-only commands of the Python tool's agent workflow, kept so its scripts and skills
 * keep working: get-task, list-blockers, query-tasks, spec-stats, prepare-task. Each
 * answers from the hierarchy with sdd's one definition of counts and completion.
 */
import { Option, type Command } from "commander";
import { ExitCode, UsageError } from "../core/errors.js";
import { exitCodeFor } from "../core/findings.js";
import type { SpecReportOptions } from "../core/reports/open.js";
import { legacyDeps, rawNode } from "../ui/legacy.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

const text = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));

async function where(ctx: CliContext, flags: GlobalOptions, spec: string): Promise<SpecReportOptions> {
  ctx.setGlobals(flags, ["text", "json"]);
  return { loc: await locateSpecs(ctx, flags), spec, cwd: ctx.cwd, env: ctx.env };
}

interface GetTaskFlags extends GlobalOptions {
  includeJournal?: boolean;
}

export function registerGetTask(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("get-task")
      .description("one node as stored (the Python tool's get-task); task-info adds recomputed counts and prerequisites")
      .argument("<spec>", "spec id or file")
      .argument("<task>", "node id")
      .option("--include-journal", "add the node's journal entries"),
  ).action(async (spec: string, task: string, flags: GetTaskFlags) => {
    const { getTask } = await import("../core/reports/legacy.js");
    const r = getTask({ ...(await where(ctx, flags, spec)), task, includeJournal: flags.includeJournal === true });
    const node = rawNode(r.node);
    const legacy = r.journal !== undefined ? { ...node, journal_entries: r.journal } : node;
    ctx.report({
      command: "get-task",
      exitCode: ExitCode.ok,
      payload: { spec_id: r.spec_id, id: task, ...legacy },
      legacy,
      text: () => [`${task} [${String(node.status)}] ${String(node.title)} (${String(node.type)}, parent ${String(node.parent)})`],
    });
  });
}

export function registerListBlockers(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("list-blockers")
      .description("the blocked nodes of a spec, with what blocks them")
      .argument("<spec>", "spec id or file"),
  ).action(async (spec: string, flags: GlobalOptions) => {
    const { listBlockers } = await import("../core/reports/legacy.js");
    const { spec_id, blockers } = listBlockers(await where(ctx, flags, spec));
    ctx.report({
      command: "list-blockers",
      exitCode: ExitCode.ok,
      payload: { spec_id, blockers },
      legacy: blockers,
      text: () =>
        blockers.length === 0
          ? [`no blocked nodes in ${spec_id}`]
          : blockers.map((b) => `${b.id} [${text(b.blocker_type) || "blocked"}] ${b.title}: ${text(b.blocker_description)}`),
    });
  });
}

interface QueryFlags extends GlobalOptions {
  status?: string;
  type?: string;
  parent?: string;
  simple?: boolean;
  limit: string;
}

export function registerQueryTasks(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("query-tasks")
      .description("nodes of a spec filtered by status, type or parent (spec-root only when filtering by type or parent)")
      .argument("<spec>", "spec id or file")
      .addOption(new Option("--status <status>", "only this status").choices(["pending", "in_progress", "completed", "blocked"]))
      .addOption(new Option("--type <type>", "only this node type").choices(["spec", "phase", "group", "task", "subtask", "verify"]))
      .option("--parent <id>", "only direct children of this node")
      .option("--simple", "text: ids only, one a line")
      .option("--limit <n>", "at most this many (0: all)", "20"),
  ).action(async (spec: string, flags: QueryFlags) => {
    const limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit ${JSON.stringify(flags.limit)}: give a whole number >= 0`);
    const { queryTasks } = await import("../core/reports/legacy.js");
    const filters = { status: flags.status, type: flags.type, parent: flags.parent };
    const set = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
    const { spec_id, matched, tasks } = queryTasks({ ...(await where(ctx, flags, spec)), ...set, limit });
    ctx.report({
      command: "query-tasks",
      exitCode: ExitCode.ok,
      payload: { spec_id, matched, tasks },
      legacy: tasks,
      text: () =>
        flags.simple === true
          ? tasks.map((t) => t.id)
          : tasks.map((t) => `${t.id.padEnd(14)} ${text(t.type).padEnd(8)} [${text(t.status)}] ${t.title}`),
    });
  });
}

export function registerSpecStats(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("spec-stats")
      .description("size and shape of a spec file: nodes by type, progress, top-level fields")
      .argument("<spec>", "spec file or id"),
  ).action(async (spec: string, flags: GlobalOptions) => {
    const { specStats } = await import("../core/reports/legacy.js");
    const { spec_id, shown, stats, summary, progress: p } = specStats(await where(ctx, flags, spec));
    ctx.report({
      command: "spec-stats",
      exitCode: ExitCode.ok,
      payload: { spec_id, ...stats },
      legacy: stats,
      text: () => [
        `${shown}: ${stats.file_size} bytes, ${stats.line_count} lines`,
        `  ${summary.total_nodes} nodes: ${summary.phase_count} phases, ${summary.task_count} tasks, ${summary.subtask_count} subtasks, ${summary.verify_count} verify`,
        `  ${p.completed_tasks}/${p.total_tasks} tasks, ${p.percentage}%`,
      ],
    });
  });
}

/**
 * The Python prepare-task's git, branch and documentation helpers, which sdd does not do:
 * present, so scripts reading them get "nothing" rather than a missing key.
 */
const NOT_PROVIDED = {
  task_details: null,
  spec_file: null,
  doc_context: null,
  validation_warnings: [],
  git_warnings: [],
  repo_root: null,
  needs_branch_creation: false,
  dirty_tree_status: null,
  suggested_branch_name: null,
  needs_commit_cadence: false,
  commit_cadence_options: null,
  suggested_commit_cadence: null,
  completion_info: null,
  extended_context: null,
};

export function registerPrepareTask(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("prepare-task")
      .description("what an agent needs to start a task: the task (given, or the next one), its prerequisites, parent, phase and journal")
      .argument("<spec>", "spec id or file")
      .argument("[task]", "node id (default: the next task, as next-task)"),
  ).action(async (spec: string, task: string | undefined, flags: GlobalOptions) => {
    const { prepareTask } = await import("../core/reports/prepare.js");
    const r = prepareTask({ ...(await where(ctx, flags, spec)), ...(task === undefined ? {} : { task }) });
    const complete = r.complete;
    if (r.task === null) {
      // A finished spec is an answer (nothing left to prepare), not a failure.
      const legacy = {
        ...NOT_PROVIDED,
        success: complete,
        task_id: null,
        task_data: null,
        dependencies: null,
        spec_complete: complete,
        completion_info: complete
          ? {
              should_prompt: true,
              reason: "All tasks completed and no blocked tasks. Ready to mark as complete.",
              is_complete: true,
              blocked_count: 0,
              blocked_tasks: [],
              node_id: "spec-root",
              error: null,
            }
          : null,
      };
      ctx.report({
        command: "prepare-task",
        exitCode: exitCodeFor({ unmet: !complete }),
        payload: { spec_id: r.spec_id, ...legacy, reason: r.reason },
        legacy: { ...legacy, error: complete ? null : r.reason },
        text: () => [`no task to prepare in ${r.spec_id}: ${r.reason ?? ""}`],
      });
      return;
    }
    const { task: picked, node, deps } = r;
    const legacy = {
      ...NOT_PROVIDED,
      success: true,
      task_id: picked,
      task_data: rawNode(node),
      dependencies: legacyDeps(r.hierarchy, deps),
      spec_complete: complete,
      context: r.context,
      error: null,
    };
    ctx.report({
      command: "prepare-task",
      exitCode: ExitCode.ok,
      payload: { spec_id: r.spec_id, ...legacy, can_start: deps.can_start },
      legacy,
      text: () => [
        `${picked} [${String(node.status)}] ${String(node.title)}`,
        ...(r.phase_id === null ? [] : [`  phase: ${r.phase_id} ${r.phase_title ?? ""}`]),
        ...(r.parent_id === null ? [] : [`  parent: ${r.parent_id} (${r.position} of ${r.siblings})`]),
        deps.can_start
          ? "  can start"
          : `  waits for ${deps.blocked_by
              .filter((b) => b.status !== "completed")
              .map((b) => b.id)
              .join(", ")}`,
        `  journal entries: ${r.context.task_journal.entry_count}`,
        `start: sdd update-status ${r.spec_id} ${picked} in_progress`,
      ],
    });
  });
}
