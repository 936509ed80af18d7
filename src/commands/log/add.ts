import type { Command } from "commander";
import { collect, withGlobalOptions, type CliContext, type GlobalOptions } from "../_shared.js";
import { worklog } from "./_places.js";

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

const code = (v: string): string => (v.startsWith("`") ? v : `\`${v}\``);

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
    const { loc, places, store } = await worklog(ctx, flags);
    const [
      { required },
      { createWorkItem, lintWorkItem },
      { UsageError, FindingsError, ConflictError },
      { displayPath },
      { mkdirSync },
      { parseLockTimeout },
    ] = await Promise.all([
      import("../../ui/prompts.js"),
      import("../../core/worklog/index.js"),
      import("../../core/errors.js"),
      import("../../core/paths.js"),
      import("node:fs"),
      import("../../core/store/lock.js"),
    ]);
    const gate = ctx.promptGate(flags);
    const ask = (value: string | undefined, name: string, message: string): Promise<string> =>
      required(value, name, gate, ctx.prompter, (p) =>
        p.input({ message, validate: (v) => (v.trim() === "" ? `give the ${name}` : true) }),
      );
    const title = await ask(flags.title, "--title", "Title");
    const owner = await ask(flags.owner, "--owner", "Owner");
    const spec = await ask(flags.spec, "--spec", "Spec (path of the work-item document)");
    const summary = await ask(flags.summary, "--summary", "Summary");
    const fields: { key: string; value: string }[] = [{ key: "Spec", value: code(spec) }];
    if (flags.sddSpec !== undefined) fields.push({ key: "SDD Spec", value: code(flags.sddSpec) });
    fields.push({ key: "Owner", value: owner });
    if (flags.branch !== undefined) fields.push({ key: "Branch", value: code(flags.branch) });
    fields.push({ key: "Summary", value: summary });
    if (flags.tests !== undefined) fields.push({ key: "Tests", value: flags.tests });
    if (flags.risks !== undefined) fields.push({ key: "Risks", value: flags.risks });
    if (flags.next !== undefined) fields.push({ key: "Next", value: flags.next });
    if (flags.blocker !== undefined) fields.push({ key: "Blocker", value: flags.blocker });
    for (const f of flags.field) {
      const m = /^([^:]+):\s*(.*)$/.exec(f);
      if (m?.[1] === undefined) throw new UsageError(`--field ${JSON.stringify(f)}: write it as "Key: value"`);
      fields.push({ key: m[1].trim(), value: m[2] ?? "" });
    }
    const tags = flags.tag.map((t) => t.replace(/^\[|\]$/g, "").toUpperCase());
    const init = { title, tags, state: flags.done === true ? ("done" as const) : ("open" as const), fields };
    let item = createWorkItem(init, { today: store.today(ctx.env), existingIds: store.allIds(places) });
    const problems = lintWorkItem(item, {});
    const schema = problems.filter((f) => f.code === "log-schema");
    if (schema.length > 0)
      throw new FindingsError(
        "work-item-invalid",
        `the work item would be invalid: ${schema.map((f) => `${f.pointer}: ${f.message}`).join("; ")}`,
      );
    mkdirSync(places.dir, { recursive: true });
    // Another `sdd log add` may take the same id between reading the folder and writing
    // (same title, same day): take the next free id and try again.
    const tried = new Set<string>();
    let file: string;
    for (;;) {
      try {
        file = await store.saveItem(places, item, {
          create: true,
          lockTimeoutMs: parseLockTimeout(flags.lockTimeout, loc.config.config.lockTimeoutMs),
        });
        break;
      } catch (err) {
        if (!(err instanceof ConflictError && err.code === "item-exists") || tried.size >= 1000) throw err;
        tried.add(item.id);
        item = createWorkItem(init, { today: store.today(ctx.env), existingIds: [...store.allIds(places), ...tried] });
      }
    }
    ctx.report({
      command: "log add",
      exitCode: 0,
      payload: { id: item.id, file: displayPath(file, ctx.cwd), item },
      text: () => [`added ${item.id}: ${displayPath(file, ctx.cwd)}`, "next: sdd log render"],
    });
  });
}
