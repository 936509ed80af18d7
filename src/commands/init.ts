import type { Command } from "commander";
import { resolve } from "node:path";
import { ExitCode, UsageError } from "../core/errors.js";
import { PACKAGE_NAME, VERSION } from "../version.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

interface InitFlags extends GlobalOptions {
  mergeDriver?: boolean;
  driverCommand?: string;
  agents?: boolean;
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
      )
      .option(
        "--agents",
        "also write the sdd workflow for coding agents into AGENTS.md (and a pointer in CLAUDE.md if present), between markers",
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
    const agentFiles = flags.agents === true ? await import("../core/init/agents.js") : undefined;
    // Checked first, so markers that do not pair up refuse the run before anything is written.
    agentFiles?.checkAgentFiles(root);
    const r = runInit({
      root,
      specsDir: flags.specsDir === undefined ? undefined : resolve(ctx.cwd, flags.specsDir),
      command,
      mergeDriver: flags.mergeDriver === true || flags.driverCommand !== undefined,
      package: { name: PACKAGE_NAME, version: VERSION },
    });
    const agents = agentFiles?.writeAgentFiles(root);
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
    const agentLines = (agents ?? []).map(
      (a) => `${a.action.padEnd(7)} ${a.file}${a.action === "unchanged" ? " (sdd section up to date)" : " (sdd section)"}`,
    );
    const changed =
      r.created.length > 0 ||
      r.sddCommand?.changed === true ||
      (driver !== undefined && (driver.added.length > 0 || driver.config.some((c) => c.changed))) ||
      (agents ?? []).some((a) => a.action !== "unchanged");
    ctx.report({
      command: "init",
      exitCode: ExitCode.ok,
      payload: { root, ...r, ...(agents === undefined ? {} : { agents }) },
      text: () => [
        ...r.created.map((f) => `created ${f}`),
        ...r.kept.map((f) => `kept    ${f} (exists)`),
        ...commandLines,
        ...driverLines,
        ...agentLines,
        !changed
          ? "nothing to do: already initialised"
          : r.created.length === 0
            ? "done"
            : 'next: sdd create "My feature"; enable the hook with: git config core.hooksPath .githooks',
      ],
    });
  });
}
