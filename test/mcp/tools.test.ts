/**
 * The tool table: schemas derived from the commander definitions, and the command line a
 * call becomes (checked against the schema first).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import { CliContext } from "../../src/commands/_shared.js";
import { SddError } from "../../src/core/errors.js";
import { REPO_ROOT } from "../helpers.js";
import { deriveTool, deriveTools, toArgv, toolName, TOOL_SPECS, type Tool } from "../../src/mcp/tools.js";

function toolOf(define: (c: Command) => void, required?: string[]): Tool {
  const program = new Command("sdd");
  define(program.command("demo"));
  return deriveTool(program, { command: ["demo"], ...(required === undefined ? {} : { required }) });
}

const usage = (f: () => unknown): SddError => {
  try {
    f();
  } catch (e) {
    if (e instanceof SddError) return e;
    throw e;
  }
  throw new Error("no error");
};

describe("deriveTool", () => {
  const demo = toolOf((c) =>
    c
      .argument("<spec>", "spec id")
      .argument("[rest...]", "more")
      .requiredOption("--reason <text>", "why")
      .addOption(new Option("--kind <k>", "kind").choices(["a", "b"]).default("a"))
      .option("--tag <t>", "repeatable", (v: string, p: string[]) => [...p, v], [])
      .option("--dry-run", "plan only")
      .option("--no-render", "skip rendering")
      .option("--json", "shared")
      .option("--specs-dir <d>", "shared")
      .addOption(new Option("--secret").hideHelp()),
  );

  it("maps arguments and options to properties, leaving out the shared and hidden ones", () => {
    expect(demo.name).toBe("demo");
    expect(demo.inputSchema).toEqual({
      type: "object",
      additionalProperties: false,
      required: ["spec", "reason"],
      properties: {
        spec: { type: "string", description: "spec id" },
        rest: { type: "array", items: { type: "string" }, description: "more" },
        reason: { type: "string", description: "why" },
        kind: { type: "string", enum: ["a", "b"], description: "kind", default: "a" },
        tag: { type: "array", items: { type: "string" }, description: "repeatable" },
        dry_run: { type: "boolean", description: "plan only" },
        render: { type: "boolean", description: "false: skip rendering" },
      },
    });
  });

  it("builds the command line: options as --flag=value, then --json, then the arguments after --", () => {
    expect(
      toArgv(demo, { spec: "-s", rest: ["x", "--y"], reason: "--json", tag: ["T1", "T2"], dry_run: true, render: false }, ["--path=/p"]),
    ).toEqual([
      "demo",
      "--reason=--json",
      "--tag=T1",
      "--tag=T2",
      "--dry-run",
      "--no-render",
      "--json",
      "--no-input",
      "--path=/p",
      "--",
      "-s",
      "x",
      "--y",
    ]);
    expect(toArgv(demo, { spec: "s", reason: "r", dry_run: false, render: true })).toEqual([
      "demo",
      "--reason=r",
      "--json",
      "--no-input",
      "--",
      "s",
    ]);
  });

  it("refuses what the schema does not allow, as a usage error (exit 2) naming the argument", () => {
    const cases: [unknown, RegExp][] = [
      [[1, 2], /arguments must be an object/],
      [{ spec: "s" }, /missing required argument "reason"/],
      [{ spec: "s", reason: "r", nope: 1 }, /unknown argument "nope"; it takes: spec, rest, reason/],
      [{ spec: 3, reason: "r" }, /argument "spec" must be a string \(got 3\)/],
      [{ spec: "s", reason: "r", rest: "x" }, /argument "rest" must be an array of strings/],
      [{ spec: "s", reason: "r", dry_run: "yes" }, /argument "dry_run" must be a boolean/],
      [{ spec: "s", reason: "r", kind: "c" }, /argument "kind" must be one of a, b \(got "c"\)/],
    ];
    for (const [args, message] of cases) {
      const e = usage(() => toArgv(demo, args));
      expect(e.exitCode, String(message)).toBe(2);
      expect(e.code).toBe("usage");
      expect(e.message).toMatch(message);
    }
  });

  it("an argument the CLI would ask for is required, and a later argument needs the earlier ones", () => {
    const asked = toolOf((c) => c.argument("[spec]", "spec (asked for on a terminal when missing)").argument("[task]", "task"), ["spec"]);
    expect(asked.inputSchema.required).toEqual(["spec"]);
    expect(asked.inputSchema.properties.spec!.description).toBe("spec");
    const optional = toolOf((c) => c.argument("[a]").argument("[b]"));
    expect(usage(() => toArgv(optional, { b: "x" })).message).toMatch(/argument "b" needs "a" too/);
  });

  it("refuses a table entry that names a parameter the command lacks", () => {
    expect(() => toolOf((c) => c.argument("<spec>"), ["task"])).toThrow(/no parameter task/);
  });
});

describe("the tool table", () => {
  it("derives a tool from every entry, named after its command", async () => {
    const io = { cwd: process.cwd(), env: {}, stdout: () => undefined, stderr: () => undefined, stdoutIsTTY: false, stdinIsTTY: false };
    const tools = deriveTools(await buildProgram(new CliContext(io)));
    expect(tools.map((t) => t.name)).toEqual(TOOL_SPECS.map((s) => toolName(s.command)));
    expect(toolName(["log", "add"])).toBe("log_add");
    for (const t of tools) for (const r of t.inputSchema.required) expect(t.inputSchema.properties, `${t.name}.${r}`).toHaveProperty(r);
  });

  it("is the one docs/mcp.md lists", () => {
    const doc = readFileSync(join(REPO_ROOT, "docs", "mcp.md"), "utf8");
    const listed = [...doc.matchAll(/^\| `([a-z_]+)` +\| `sdd ([a-z -]+)` +\|$/gm)].map((m) => [m[1], m[2]]);
    expect(listed).toEqual(TOOL_SPECS.map((s) => [toolName(s.command), s.command.join(" ")]));
  });
});
