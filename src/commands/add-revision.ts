import type { Command } from "commander";
import type { CliContext } from "./_shared.js";
import { defaultAuthor, runMutation, withMutationOptions, type MutationFlags } from "./_mutation.js";

interface AddRevisionFlags extends MutationFlags {
  author?: string;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("add-revision")
      .description("record a revision in metadata.revisions and set metadata.version (the same version replaces its entry)")
      .argument("<spec>", "spec id or file")
      .argument("<version>", "the new version, e.g. 1.1")
      .argument("<changes>", "what changed")
      .option("--author <name>", "author (default $SDD_AUTHOR or sdd)"),
  ).action(async (spec: string, version: string, changes: string, flags: AddRevisionFlags) => {
    const { planRevision } = await import("../core/mutations/metadata.js");
    await runMutation(
      ctx,
      flags,
      "add-revision",
      spec,
      (c) => planRevision(c, { version, changes, author: flags.author ?? defaultAuthor(ctx.env) }),
      (r) => `${r.spec_id}: version ${version}`,
      {
        ok: (r) => ({
          success: true,
          revision_id: `revision-${version.replace(/\./g, "-")}`,
          spec_id: r.spec_id,
          task_id: null,
          timestamp: r.timestamp ?? null,
          revision_text: changes,
          revision_type: "manual",
        }),
        failed: () => ({ success: false, spec_id: spec }),
      },
    );
  });
}
