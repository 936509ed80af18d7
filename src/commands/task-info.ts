import type { Command } from "commander";
import { rawNode } from "../ui/legacy.js";
import { escapePointerToken } from "../core/json/source.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("task-info")
      .description("one node: its fields, recomputed counts, prerequisites and journal entries")
      .argument("<spec>", "spec id or file")
      .argument("<task>", "node id"),
  ).action(async (spec: string, task: string, flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const [{ openSpec }, q, { getNode }, { claimsOf }] = await Promise.all([
      import("../core/store/spec-set.js"),
      import("../core/spec/queries.js"),
      import("../core/mutations/node.js"),
      import("../core/claims/index.js"),
    ]);
    const s = openSpec(loc, spec, ctx.cwd);
    const doc = s.loaded.value as Record<string, unknown>;
    const node = getNode(doc, task, s.ref.id, s.shown);
    const p = q.progressOf(doc, task);
    const deps = q.depsOf(doc, task);
    const journal = (Array.isArray(doc.journal) ? (doc.journal as unknown[]) : []).filter(
      (e) => typeof e === "object" && e !== null && (e as { task_id?: unknown }).task_id === task,
    );
    const claim = claimsOf({ specsDir: loc.specsDir, specId: s.ref.id, doc, env: ctx.env }).find((c) => c.task_id === task) ?? null;
    const pos = s.loaded.source.locate(`/hierarchy/${escapePointerToken(task)}`);
    ctx.report({
      command: "task-info",
      exitCode: 0,
      payload: {
        spec_id: s.ref.id,
        id: task,
        ...node,
        progress: p,
        can_start: deps.can_start,
        prerequisites: deps.blocked_by,
        journal_entries: journal,
        claim,
        file: s.shown,
        line: pos.line,
      },
      legacy: { ...rawNode(node), id: task },
      text: () => [
        `${task} [${String(node.status)}] ${String(node.title)}  (${node.type}, ${s.shown}:${pos.line})`,
        `  parent: ${String(node.parent)}; ${p.completed_tasks}/${p.total_tasks} tasks`,
        ...Object.entries(node.metadata ?? {}).map(([k, v]) => `  ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`),
        ...deps.blocked_by.map((b) => `  blocked by ${b.id} [${b.status}]${b.via === task ? "" : ` (via ${b.via})`}`),
        `  journal entries: ${journal.length}`,
        ...(claim === null
          ? []
          : [
              `  claim: ${claim.agent} until ${claim.lease_expires_at}${claim.live ? "" : " (expired)"}${claim.recorded_in === "worktree" ? " (in another worktree)" : ""}`,
            ]),
      ],
    });
  });
}
