import type { Command } from "commander";
import { resolve } from "node:path";
import { UsageError } from "../core/errors.js";
import { PACKAGE_NAME, VERSION } from "../version.js";
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
      .option(
        "--driver-command <cmd>",
        "how git runs sdd in this clone, for the pre-commit hook and the merge driver (default: sdd when it is this sdd on PATH, else node and this sdd's absolute path); implies --merge-driver",
      ),
  ).action(async (flags: InitFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    if (flags.driverCommand !== undefined && flags.driverCommand.trim() === "") {
      throw new UsageError("--driver-command is empty", { fix: 'sdd init --driver-command "sdd"' });
    }
    const [{ runInit }, { findRepoRoot }, { defaultSddCommand }] = await Promise.all([
      import("../core/init/init.js"),
      import("../core/store/config.js"),
      import("../core/init/command.js"),
    ]);
    const root = flags.path !== undefined ? resolve(ctx.cwd, flags.path) : (findRepoRoot(ctx.cwd) ?? ctx.cwd);
    const self = ctx.io.self;
    const command = flags.driverCommand ?? (self !== undefined ? defaultSddCommand(self, ctx.env) : "sdd");
    const r = runInit({
      root,
      specsDir: flags.specsDir === undefined ? undefined : resolve(ctx.cwd, flags.specsDir),
      command,
      mergeDriver: flags.mergeDriver === true || flags.driverCommand !== undefined,
      package: { name: PACKAGE_NAME, version: VERSION },
    });
    const driver = r.mergeDriver;
    const commandLines =
      r.sddCommand === undefined
        ? []
        : [`${r.sddCommand.changed ? "set    " : "kept   "} git config ${r.sddCommand.key} ${JSON.stringify(r.sddCommand.value)}`];
    const driverLines =
      driver === undefined
        ? []
        : [
            ...driver.added.map((l) => `added   ${driver.gitattributes}: ${l}`),
            ...driver.present.map((l) => `kept    ${driver.gitattributes}: ${l} (present)`),
            ...driver.config.map((c) => `${c.changed ? "set    " : "kept   "} git config ${c.key} ${JSON.stringify(c.value)}`),
            "the git config is per clone: run sdd init --merge-driver in every clone (see docs/branches.md)",
          ];
    const changed =
      r.created.length > 0 ||
      r.sddCommand?.changed === true ||
      (driver !== undefined && (driver.added.length > 0 || driver.config.some((c) => c.changed)));
    ctx.report({
      command: "init",
      exitCode: 0,
      payload: { root, ...r },
      text: () => [
        ...r.created.map((f) => `created ${f}`),
        ...r.kept.map((f) => `kept    ${f} (exists)`),
        ...commandLines,
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
