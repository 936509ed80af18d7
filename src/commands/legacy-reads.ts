/**
 * Read-only commands of the Python tool's agent workflow, kept so its scripts and skills
 * keep working: get-task, list-blockers, query-tasks, spec-stats, prepare-task. Each
 * answers from the hierarchy with sdd's one definition of counts and completion.
 */
import { Option, type Command } from "commander";
import { UsageError } from "../core/errors.js";
import type { SpecsLocation } from "../core/store/discovery.js";
import { legacyDeps, rawNode } from "../ui/legacy.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

type Json = Record<string, unknown>;

const text = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));

const isObj = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

async function open(ctx: CliContext, flags: GlobalOptions, spec: string) {
  ctx.setGlobals(flags, ["text", "json"]);
  const loc: SpecsLocation = await locateSpecs(ctx, flags);
  const [{ openSpec }, q, { getNode }] = await Promise.all([
    import("../core/store/spec-set.js"),
    import("../core/spec/queries.js"),
    import("../core/mutations/node.js"),
  ]);
  const s = openSpec(loc, spec, ctx.cwd);
  const doc = s.loaded.value as Json;
  return { loc, s, doc, q, h: q.hierarchyOf(doc) as Record<string, Json>, getNode };
}

function journalOf(doc: Json, id: string): unknown[] {
  return (Array.isArray(doc.journal) ? doc.journal : []).filter((e) => isObj(e) && e.task_id === id);
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
    const { s, doc, getNode } = await open(ctx, flags, spec);
    const node = rawNode(getNode(doc, task, s.ref.id, s.shown));
    const legacy = flags.includeJournal === true ? { ...node, journal_entries: journalOf(doc, task) } : node;
    ctx.report({
      command: "get-task",
      exitCode: 0,
      payload: { spec_id: s.ref.id, id: task, ...legacy },
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
    const { s, h } = await open(ctx, flags, spec);
    const blockers = Object.entries(h)
      .filter(([, n]) => isObj(n) && n.status === "blocked")
      .map(([id, n]) => {
        const md = isObj(n.metadata) ? n.metadata : {};
        return {
          id,
          title: typeof n.title === "string" ? n.title : id,
          type: n.type ?? null,
          blocked_at: md.blocked_at ?? "",
          blocker_type: md.blocker_type ?? "",
          blocker_description: md.blocker_description ?? "",
          blocker_ticket: md.blocker_ticket ?? "",
          blocked_by_external: md.blocked_by_external ?? false,
        };
      });
    ctx.report({
      command: "list-blockers",
      exitCode: 0,
      payload: { spec_id: s.ref.id, blockers },
      legacy: blockers,
      text: () =>
        blockers.length === 0
          ? [`no blocked nodes in ${s.ref.id}`]
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
    const { s, doc, h, q } = await open(ctx, flags, spec);
    const rootToo = flags.type !== undefined || flags.parent !== undefined;
    const matches = Object.entries(h).filter(
      ([id, n]) =>
        isObj(n) &&
        (rootToo || id !== "spec-root") &&
        (flags.status === undefined || n.status === flags.status) &&
        (flags.type === undefined || n.type === flags.type) &&
        (flags.parent === undefined || n.parent === flags.parent),
    );
    const tasks = (limit === 0 ? matches : matches.slice(0, limit)).map(([id, n]) => {
      const p = q.progressOf(doc, id);
      return {
        id,
        title: typeof n.title === "string" ? n.title : id,
        type: n.type ?? null,
        status: n.status ?? null,
        parent: n.parent ?? null,
        completed_tasks: p.completed_tasks,
        total_tasks: p.total_tasks,
        metadata: isObj(n.metadata) ? n.metadata : {},
      };
    });
    ctx.report({
      command: "query-tasks",
      exitCode: 0,
      payload: { spec_id: s.ref.id, matched: matches.length, tasks },
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
    const { s, doc, h, q } = await open(ctx, flags, spec);
    const [{ readFileSync }] = await Promise.all([import("node:fs")]);
    const bytes = readFileSync(s.ref.file);
    const text = bytes.toString("utf8");
    const count = (type: string): number => Object.values(h).filter((n) => isObj(n) && n.type === type).length;
    const p = q.progressOf(doc);
    const summary = {
      total_nodes: Object.keys(h).length,
      phase_count: count("phase"),
      task_count: count("task"),
      verify_count: count("verify"),
      subtask_count: count("subtask"),
    };
    const frontmatter: Json = {};
    for (const k of ["spec_id", "title", "generated", "last_updated", "metadata"]) if (k in doc) frontmatter[k] = doc[k];
    const legacy = {
      spec_file: s.ref.file,
      exists: true,
      file_size: bytes.length,
      line_count: text.split("\n").length - (text.endsWith("\n") ? 1 : 0),
      phase_count: summary.phase_count,
      task_count: summary.task_count,
      verify_count: summary.verify_count,
      hierarchy_summary: summary,
      frontmatter,
      state_info: {
        spec_id: doc.spec_id ?? s.ref.id,
        generated: doc.generated ?? null,
        last_updated: doc.last_updated ?? null,
        total_nodes: summary.total_nodes,
        total_tasks: p.total_tasks,
        completed_tasks: p.completed_tasks,
        progress_percentage: p.percentage,
      },
    };
    ctx.report({
      command: "spec-stats",
      exitCode: 0,
      payload: { spec_id: s.ref.id, ...legacy },
      legacy,
      text: () => [
        `${s.shown}: ${legacy.file_size} bytes, ${legacy.line_count} lines`,
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
    const { s, doc, h, q, getNode } = await open(ctx, flags, spec);
    const picked = task ?? q.nextTask(doc).task?.id;
    const complete = q.progressOf(doc).complete;
    if (picked === undefined) {
      const r = q.nextTask(doc);
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
        exitCode: complete ? 0 : 1,
        payload: { spec_id: s.ref.id, ...legacy, reason: r.reason ?? null },
        legacy: { ...legacy, error: complete ? null : (r.reason ?? null) },
        text: () => [`no task to prepare in ${s.ref.id}: ${r.reason ?? ""}`],
      });
      return;
    }
    const node = getNode(doc, picked, s.ref.id, s.shown) as Json;
    const deps = q.depsOf(doc, picked);
    const parentId = typeof node.parent === "string" ? node.parent : null;
    const parent = parentId === null ? undefined : h[parentId];
    const siblings = parent !== undefined && Array.isArray(parent.children) ? (parent.children as string[]) : [];
    const idx = siblings.indexOf(picked);
    const prev = idx > 0 ? (siblings[idx - 1] as string) : null;
    const phaseId = [picked, ...q.ancestors(h, picked)].find((a) => h[a]?.type === "phase") ?? null;
    const summary = (id: string) => ({ ...q.summarize(h, id), ...q.progressOf(doc, id) });
    const entries = journalOf(doc, picked);
    const context = {
      previous_sibling: prev === null ? null : q.summarize(h, prev),
      parent_task:
        parentId === null
          ? null
          : {
              ...summary(parentId),
              position_label: `${idx + 1} of ${siblings.length} children`,
              children: siblings.map((c) => ({ id: c, title: q.summarize(h, c).title, status: q.summarize(h, c).status })),
            },
      phase: phaseId === null ? null : summary(phaseId),
      task_journal: { entry_count: entries.length, entries },
      dependencies: { blocked_by: deps.blocked_by, soft_depends: deps.soft_depends, blocks: deps.blocks },
    };
    const legacy = {
      ...NOT_PROVIDED,
      success: true,
      task_id: picked,
      task_data: rawNode(node),
      dependencies: legacyDeps(h, deps),
      spec_complete: complete,
      context,
      error: null,
    };
    ctx.report({
      command: "prepare-task",
      exitCode: 0,
      payload: { spec_id: s.ref.id, ...legacy, can_start: deps.can_start },
      legacy,
      text: () => [
        `${picked} [${String(node.status)}] ${String(node.title)}`,
        ...(phaseId === null ? [] : [`  phase: ${phaseId} ${q.summarize(h, phaseId).title}`]),
        ...(parentId === null ? [] : [`  parent: ${parentId} (${idx + 1} of ${siblings.length})`]),
        deps.can_start
          ? "  can start"
          : `  waits for ${deps.blocked_by
              .filter((b) => b.status !== "completed")
              .map((b) => b.id)
              .join(", ")}`,
        `  journal entries: ${entries.length}`,
        `start: sdd update-status ${s.ref.id} ${picked} in_progress`,
      ],
    });
  });
}
