import type { Command } from "commander";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(program.command("find-specs").description("print the specs directory sdd uses, and how it was found")).action(
    async (flags: GlobalOptions) => {
      ctx.setGlobals(flags, ["text", "json"]);
      const loc = await locateSpecs(ctx, flags);
      const { listSpecFiles } = await import("../core/store/discovery.js");
      const files = listSpecFiles(loc.specsDir);
      const counts: Record<string, number> = { pending: 0, active: 0, completed: 0, archived: 0 };
      for (const f of files) if (f.folder !== undefined) counts[f.folder] = (counts[f.folder] ?? 0) + 1;
      ctx.report({
        command: "find-specs",
        exitCode: 0,
        payload: {
          specs_dir: loc.specsDir,
          exists: true,
          source: loc.source,
          auto_detected: loc.source === "auto",
          config_file: loc.config.file ?? null,
          spec_count: files.length,
          folders: counts,
        },
        legacy: { specs_dir: loc.specsDir, exists: true, auto_detected: loc.source === "auto" },
        text: () => [loc.specsDir],
      });
    },
  );
}
