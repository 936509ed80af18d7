import { Option, type Command } from "commander";
import { ExitCode } from "../core/errors.js";
import { SPEC_FOLDERS } from "../core/spec/model.js";
import { collect, withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

interface CreateFlags extends GlobalOptions {
  title?: string;
  id?: string;
  folder: string;
  phase: string[];
  description?: string;
  workItem?: string;
  owner?: string;
}

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("create")
      .description("create a new, valid spec (in pending/ unless --folder); never overwrites")
      .argument("[name]", "what the spec is about; its slug starts the id (asked for on a terminal when missing)")
      .option("--title <title>", "title (default: the name)")
      .option("--id <spec-id>", "the id (default: <slug>-<YYYY-MM-DD>-<nnn>)")
      .addOption(new Option("--folder <folder>", "where to create it").choices(SPEC_FOLDERS).default("pending"))
      .option("--phase <title>", "add a phase (repeatable, in order)", collect, [])
      .option("--description <text>", "metadata.description")
      .option("--work-item <path>", "metadata.work_item_spec: the markdown work item this spec belongs to")
      .option("--owner <name>", "metadata.owner")
      .option("--lock-timeout <duration>", "how long to wait for the new id's lock")
      .addOption(new Option("--template <name>", "accepted for compatibility; phases come from --phase").hideHelp())
      .addOption(new Option("--category <name>", "accepted for compatibility").hideHelp()),
  ).action(async (nameArg: string | undefined, flags: CreateFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const { required } = await import("../ui/prompts.js");
    const name = await required(nameArg, "name", ctx.promptGate(flags), ctx.prompter, (p) =>
      p.input({ message: "What is the spec about?", validate: (v) => (v.trim() === "" ? "give a name" : true) }),
    );
    const [{ findSpecsDir }, { createSpec }, { parseLockTimeout }, { timestamp }] = await Promise.all([
      import("../core/store/discovery.js"),
      import("../core/store/create.js"),
      import("../core/store/lock.js"),
      import("../core/clock.js"),
    ]);
    const loc = findSpecsDir({ cwd: ctx.cwd, specsDir: flags.specsDir, path: flags.path, env: ctx.env });
    const r = await createSpec({
      specsDir: loc.specsDir,
      name,
      title: flags.title,
      id: flags.id,
      folder: flags.folder as (typeof SPEC_FOLDERS)[number],
      phases: flags.phase,
      description: flags.description,
      workItem: flags.workItem,
      owner: flags.owner,
      timestamp: timestamp(ctx.env),
      lockTimeoutMs: parseLockTimeout(flags.lockTimeout, loc.config.config.lockTimeoutMs),
    });
    ctx.report({
      command: "create",
      exitCode: ExitCode.ok,
      payload: { spec_id: r.spec_id, file: r.file, folder: flags.folder },
      text: () => [`created ${r.spec_id}: ${r.file}`],
    });
  });
}
