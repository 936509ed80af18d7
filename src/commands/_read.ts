/** What read-only commands share: locating specs from the global options. */
import type { SpecsLocation } from "../core/store/discovery.js";
import type { CliContext, GlobalOptions } from "./_shared.js";

export async function locateSpecs(ctx: CliContext, flags: GlobalOptions): Promise<SpecsLocation> {
  const { findSpecsDir } = await import("../core/store/discovery.js");
  return findSpecsDir({ cwd: ctx.cwd, specsDir: flags.specsDir, path: flags.path, env: ctx.env });
}
