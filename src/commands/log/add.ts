import type { Command } from "commander";
import { ExitCode, UsageError } from "../../core/errors.js";
import { locateSpecs } from "../_read.js";
import { collect, withGlobalOptions, type CliContext, type GlobalOptions } from "../_shared.js";

interface AddFlags extends GlobalOptions {
  title?: string;
  tag: string[];
  spec?: string;
  sddSpec?: string;
  owner?: string;
  branch?: string;
  summary?: string;
  tests?: string;
  risks?: string;
  next?: string;
  blocker?: string;
  field: string[];
  done?: boolean;
  lockTimeout?: string;
}

export function register(log: Command, ctx: CliContext): void {
  withGlobalOptions(
    log
      .command("add")
      .description("add a work item (one new JSON file); missing required fields are asked for on a terminal")
      .option("--title <title>", "title")
      .option("--tag <TAG>", "tag, e.g. BUG (repeatable)", collect, [])
      .option("--spec <path>", "Spec: the markdown work-item document")
      .option("--sdd-spec <id-or-path>", "SDD Spec: the linked spec (its state is rendered from the spec)")
      .option("--owner <name>", "Owner")
      .option("--branch <name>", "Branch")
      .option("--summary <text>", "Summary")
      .option("--tests <text>", "Tests (backticked commands, comma-separated)")
      .option("--risks <text>", "Risks, e.g. 'Low (docs only)'")
      .option("--next <text>", "Next")
      .option("--blocker <text>", "Blocker (puts the item in the Blocked section)")
      .option("--field <Key: value>", "any other field (repeatable, in order)", collect, [])
      .option("--done", "add it as done (Done: today)")
      .option("--lock-timeout <duration>", "how long to wait for the lock"),
  ).action(async (flags: AddFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const [{ required }, { addWorkItem }] = await Promise.all([import("../../ui/prompts.js"), import("../../core/worklog/ops/add.js")]);
    const gate = ctx.promptGate(flags);
    const ask = (value: string | undefined, name: string, message: string): Promise<string> =>
      required(value, name, gate, ctx.prompter, (p) =>
        p.input({ message, validate: (v) => (v.trim() === "" ? `give the ${name}` : true) }),
      );
    const title = await ask(flags.title, "--title", "Title");
    const owner = await ask(flags.owner, "--owner", "Owner");
    const spec = await ask(flags.spec, "--spec", "Spec (path of the work-item document)");
    const summary = await ask(flags.summary, "--summary", "Summary");
    const extra = flags.field.map((f) => {
      const m = /^([^:]+):\s*(.*)$/.exec(f);
      if (m?.[1] === undefined) throw new UsageError(`--field ${JSON.stringify(f)}: write it as "Key: value"`);
      return { key: m[1].trim(), value: m[2] ?? "" };
    });
    const optional = {
      sddSpec: flags.sddSpec,
      branch: flags.branch,
      tests: flags.tests,
      risks: flags.risks,
      next: flags.next,
      blocker: flags.blocker,
    };
    const given = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
    const { item, file } = await addWorkItem({
      loc,
      cwd: ctx.cwd,
      env: ctx.env,
      title,
      owner,
      spec,
      summary,
      ...given,
      extra,
      tags: flags.tag,
      done: flags.done === true,
      ...(flags.lockTimeout === undefined ? {} : { lockTimeout: flags.lockTimeout }),
    });
    ctx.report({
      command: "log add",
      exitCode: ExitCode.ok,
      payload: { id: item.id, file, item },
      text: () => [`added ${item.id}: ${file}`, "next: sdd log render"],
    });
  });
}
