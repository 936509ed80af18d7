/** docs/commands.md, generated from the command definitions (`npm run docs`); a test fails when it is stale. */
import type { Command } from "commander";

/** Listed once at the top of the page rather than under every command. */
const GLOBAL_FLAGS = new Set(["--json", "--format", "--specs-dir", "--path", "--no-color", "--no-input"]);

function usage(cmd: Command, prefix: string): string {
  return `${prefix}${cmd.name()} ${cmd.usage()}`.trim();
}

function section(cmd: Command, prefix: string, level: number): string[] {
  const out: string[] = [];
  out.push(`${"#".repeat(level)} \`${prefix}${cmd.name()}\``, "", cmd.description(), "", "```", usage(cmd, prefix), "```", "");
  const args = (
    cmd as unknown as { registeredArguments: { name(): string; description: string; required: boolean; argChoices?: string[] }[] }
  ).registeredArguments;
  if (args.length > 0) {
    out.push("| argument | |", "| --- | --- |");
    for (const a of args)
      out.push(
        `| \`${a.required ? `<${a.name()}>` : `[${a.name()}]`}\` | ${a.description}${a.argChoices ? ` (${a.argChoices.join(", ")})` : ""} |`,
      );
    out.push("");
  }
  const opts = cmd.options.filter((o) => !o.hidden && !GLOBAL_FLAGS.has(o.long ?? ""));
  if (opts.length > 0) {
    out.push("| option | |", "| --- | --- |");
    for (const o of opts) {
      const extra = [
        o.argChoices ? `one of: ${o.argChoices.join(", ")}` : "",
        o.defaultValue !== undefined && typeof o.defaultValue !== "boolean" ? `default: ${JSON.stringify(o.defaultValue)}` : "",
      ].filter((x) => x !== "");
      out.push(`| \`${o.flags}\` | ${o.description}${extra.length > 0 ? ` (${extra.join("; ")})` : ""} |`);
    }
    out.push("");
  }
  for (const sub of cmd.commands) out.push(...section(sub, `${prefix}${cmd.name()} `, level + 1));
  return out;
}

export function renderCommandsMarkdown(program: Command): string {
  const lines = [
    "# Command reference",
    "",
    "Generated from the command definitions by `npm run docs`; do not edit by hand.",
    "Every command accepts the global options, before or after its name:",
    "",
    "| option | |",
    "| --- | --- |",
    "| `--json` | print exactly one JSON document on stdout (same as `--format json`) |",
    "| `--format <format>` | `text` (default), `json`, and for the checking commands `github` (and `sarif` for `ci`) |",
    "| `--specs-dir <dir>` | the specs directory; else `SDD_SPECS_DIR`, the config file, or `specs/` or `meta/sdd/specs/` found from the working directory up to the repository root |",
    "| `--path <dir>` | where discovery starts instead of the working directory |",
    "| `--no-color` | no colour (also off when stdout is not a terminal or `NO_COLOR` is set) |",
    "| `--no-input` | never prompt (prompts only ever appear on a terminal with `CI` unset) |",
    "",
    "Exit codes are the same in every output mode: see the README.",
    "",
  ];
  for (const cmd of program.commands) lines.push(...section(cmd, "sdd ", 2));
  return (
    lines
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trimEnd() + "\n"
  );
}
