import type { Command } from "commander";
import { ExitCode } from "../core/errors.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(program.command("find-specs").description("print the specs directory sdd uses, and how it was found")).action(
    async (flags: GlobalOptions) => {
      ctx.setGlobals(flags, ["text", "json"]);
      const loc = await locateSpecs(ctx, flags);
      const { specsDirReport } = await import("../core/reports/progress.js");
      const r = specsDirReport(loc);
      ctx.report({
        command: "find-specs",
        exitCode: ExitCode.ok,
        payload: {
          specs_dir: loc.specsDir,
          exists: true,
          source: loc.source,
          auto_detected: loc.source === "auto",
          config_file: loc.config.file ?? null,
          spec_count: r.spec_count,
          folders: r.folders,
        },
        legacy: { specs_dir: loc.specsDir, exists: true, auto_detected: loc.source === "auto" },
        text: () => [loc.specsDir],
      });
    },
  );
}
