import { Option, type Command } from "commander";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

interface ListFlags extends GlobalOptions {
  status: string;
  detailed?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("list-specs")
      .description("list specs by folder, with progress")
      .addOption(
        new Option("--status <folder>", "only this folder").choices(["pending", "active", "completed", "archived", "all"]).default("all"),
      )
      .option("--detailed", "more columns (accepted for compatibility; --json always has every field)"),
  ).action(async (flags: ListFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const [{ openSpecs }, q] = await Promise.all([import("../core/store/spec-set.js"), import("../core/spec/queries.js")]);
    const { specs, unreadable } = openSpecs(loc, [], ctx.cwd);
    const want = (folder: string | undefined): boolean => flags.status === "all" || folder === flags.status;
    const rows = specs
      .filter((s) => want(s.ref.folder))
      .map((s) => {
        const p = q.progressOf(s.loaded.value);
        return {
          spec_id: s.ref.id,
          status: s.ref.folder ?? null,
          title: q.specTitle(s.loaded.value),
          progress_percentage: p.percentage,
          total_tasks: p.total_tasks,
          completed_tasks: p.completed_tasks,
          complete: p.complete,
          file: s.shown,
        };
      });
    const broken = unreadable
      .filter((u) => want(u.ref.folder))
      .map((u) => ({ spec_id: u.ref.id, status: u.ref.folder ?? null, file: u.shown, error: u.error.message }));
    const meta = (doc: unknown): Record<string, unknown> => {
      const m = (doc as { metadata?: unknown }).metadata;
      return m !== null && typeof m === "object" ? (m as Record<string, unknown>) : {};
    };
    // The Python tool's order: active specs first, then by progress, highest first.
    const legacy = specs
      .filter((s) => want(s.ref.folder))
      .map((s, i) => {
        const p = q.progressOf(s.loaded.value);
        const m = meta(s.loaded.value);
        const row: Record<string, unknown> = {
          spec_id: s.ref.id,
          status: s.ref.folder ?? null,
          title: q.specTitle(s.loaded.value),
          total_tasks: p.total_tasks,
          completed_tasks: p.completed_tasks,
          progress_percentage: p.percentage,
          // As stored (progress computes the current phase).
          current_phase: m.current_phase ?? null,
          version: m.version ?? null,
          created_at: m.created_at ?? null,
          updated_at: m.updated_at ?? null,
        };
        if (flags.detailed === true)
          Object.assign(row, { description: m.description ?? null, author: m.author ?? null, file_path: s.ref.file });
        return { row, active: s.ref.folder === "active" ? 0 : 1, i };
      })
      .sort((a, b) => a.active - b.active || (b.row.progress_percentage as number) - (a.row.progress_percentage as number) || a.i - b.i)
      .map((x) => x.row);
    ctx.report({
      command: "list-specs",
      legacy,
      exitCode: broken.length > 0 ? 4 : 0,
      payload: { specs_dir: loc.specsDir, specs: rows, unreadable: broken },
      text: () => [
        ...(rows.length === 0 && broken.length === 0 ? ["no specs"] : []),
        ...rows.map(
          (r) =>
            `${(r.status ?? "-").padEnd(9)} ${String(r.progress_percentage).padStart(3)}%  ${r.completed_tasks}/${r.total_tasks}  ${r.spec_id}  ${r.title}`,
        ),
        ...broken.map((b) => `${(b.status ?? "-").padEnd(9)} unreadable  ${b.spec_id}: ${b.error}`),
      ],
    });
  });
}
