import type { Command } from "commander";
import { resolve } from "node:path";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

interface InitFlags extends GlobalOptions {
  mergeDriver?: boolean;
  driverCommand?: string;
}

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("init")
      .description(
        "scaffold sdd.config.json, the specs folders, the work-item folder, a CI workflow and a pre-commit hook; never overwrites a file",
      )
      .option("--merge-driver", "also register sdd's git merge driver for spec and work-item JSON (.gitattributes and git config)")
      .option("--driver-command <cmd>", 'how git runs sdd for the merge driver (default "npx --no-install sdd"); implies --merge-driver'),
  ).action(async (flags: InitFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const [{ runInit, DEFAULT_DRIVER_COMMAND }, { findRepoRoot }] = await Promise.all([
      import("../core/init/init.js"),
      import("../core/store/config.js"),
    ]);
    const root = flags.path !== undefined ? resolve(ctx.cwd, flags.path) : (findRepoRoot(ctx.cwd) ?? ctx.cwd);
    const command = flags.driverCommand ?? DEFAULT_DRIVER_COMMAND;
    const wantDriver = flags.mergeDriver === true || flags.driverCommand !== undefined;
    const r = runInit({
      root,
      specsDir: flags.specsDir === undefined ? undefined : resolve(ctx.cwd, flags.specsDir),
      mergeDriver: wantDriver ? { command } : undefined,
    });
    const driver = r.mergeDriver;
    const driverLines =
      driver === undefined
        ? []
        : [
            ...driver.added.map((l) => `added   ${driver.gitattributes}: ${l}`),
            ...driver.present.map((l) => `kept    ${driver.gitattributes}: ${l} (present)`),
            ...driver.config.map((c) => `${c.changed ? "set    " : "kept   "} git config ${c.key} "${c.value}"`),
            "the git config is per clone: run sdd init --merge-driver in every clone (see docs/branches.md)",
          ];
    const changed = r.created.length > 0 || (driver !== undefined && (driver.added.length > 0 || driver.config.some((c) => c.changed)));
    ctx.report({
      command: "init",
      exitCode: 0,
      payload: { root, ...r },
      text: () => [
        ...r.created.map((f) => `created ${f}`),
        ...r.kept.map((f) => `kept    ${f} (exists)`),
        ...driverLines,
        !changed
          ? "nothing to do: already initialised"
          : r.created.length === 0
            ? "done"
            : 'next: sdd create "My feature"; enable the hook with: git config core.hooksPath .githooks',
      ],
    });
  });
}
