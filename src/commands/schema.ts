import type { Command } from "commander";
import { ExitCode } from "../core/errors.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("schema")
      .description("print a JSON Schema: spec (default), journal-entry, work-item, config or report")
      .argument("[name]", "which schema", "spec"),
    { specs: false },
  ).action(async (name: string, flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const { readSchema } = await import("../core/store/schema-files.js");
    const schema = readSchema(name);
    ctx.report({
      command: "schema",
      exitCode: ExitCode.ok,
      payload: { name, schema },
      text: () => [JSON.stringify(schema, null, 2)],
    });
  });
}
