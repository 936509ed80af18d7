import type { Command } from "commander";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("init")
      .description(
        "scaffold sdd.config.json, the specs folders, the work-item folder, a CI workflow and a pre-commit hook; never overwrites a file",
      ),
  ).action(async (flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const [{ runInit }, { findRepoRoot }, { resolve }] = await Promise.all([
      import("../core/init.js"),
      import("../core/config.js"),
      import("node:path"),
    ]);
    const root = flags.path !== undefined ? resolve(ctx.cwd, flags.path) : (findRepoRoot(ctx.cwd) ?? ctx.cwd);
    const r = runInit({ root, specsDir: flags.specsDir });
    ctx.report({
      command: "init",
      exitCode: 0,
      payload: { root, ...r },
      text: () => [
        ...r.created.map((f) => `created ${f}`),
        ...r.kept.map((f) => `kept    ${f} (exists)`),
        r.created.length === 0
          ? "nothing to do: already initialised"
          : 'next: sdd create "My feature"; enable the hook with: git config core.hooksPath .githooks',
      ],
    });
  });
}
