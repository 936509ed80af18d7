/**
 * Help shows what each command takes, and global options work wherever they are written:
 * before the command, after it, or between a group and its subcommand.
 */
import { describe, expect, it } from "vitest";
import { hoistGlobalOptions } from "../../src/commands/_shared.js";
import { makeSpec, oneJson, runCli, specsTree } from "../helpers.js";

describe("help", () => {
  it("the top-level help lists the global options", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    const globals = r.stdout.slice(r.stdout.indexOf("Global options"));
    for (const flag of ["--json", "--format <format>", "--specs-dir <dir>", "--path <dir>", "--no-color", "--no-input"]) {
      expect(globals).toContain(flag);
    }
  });

  it("a command lists only the output formats it can write", async () => {
    const formats = async (...cmd: string[]): Promise<string> =>
      /--format <format>\s+output format \(choices: ([^)]*)\)/.exec((await runCli([...cmd, "--help"])).stdout.replace(/\s+/g, " "))?.[1] ??
      "none";
    expect(await formats("progress")).toBe('"text", "json"');
    expect(await formats("validate")).toBe('"text", "json", "github"');
    expect(await formats("ci")).toBe('"text", "json", "github", "sarif"');
    expect(await formats("log", "lint")).toBe('"text", "json", "github"');
    expect(await formats("log", "render")).toBe('"text", "json"');
  });

  it("a format a command cannot write is a usage error (exit 2) naming the choices", async () => {
    const r = await runCli(["progress", "x", "--format", "github"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--format github is not available for progress; use one of: text, json");
  });

  it("commands that read no specs hide the specs options, and still accept them", async () => {
    const help = (await runCli(["schema", "--help"])).stdout;
    expect(help).not.toContain("--specs-dir");
    expect(help).not.toContain("--path");
    const r = await runCli(["schema", "config", "--specs-dir", "nowhere", "--json"]);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe("global options in any position", () => {
  const dir = (): string => specsTree([{ spec: makeSpec("demo-2026-01-01-001") }]);

  it("between a group and its subcommand: sdd log --json render", async () => {
    const cwd = dir();
    for (const args of [
      ["log", "--json", "list"],
      ["--json", "log", "list"],
      ["log", "list", "--json"],
    ]) {
      const r = await runCli(args, { cwd });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(oneJson(r.stdout)).toMatchObject({ command: "log list", ok: true });
    }
  });

  it("a value option before the command or right after it", async () => {
    const cwd = dir();
    for (const args of [
      ["--format", "json", "progress", "demo-2026-01-01-001"],
      ["progress", "--format=json", "demo-2026-01-01-001"],
      ["progress", "--specs-dir", "specs", "--json", "demo-2026-01-01-001"],
    ]) {
      const r = await runCli(args, { cwd });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(oneJson(r.stdout)).toMatchObject({ command: "progress", ok: true });
    }
  });

  it("a group with only global options says its subcommand is missing (exit 2)", async () => {
    const r = await runCli(["log", "--json"], { cwd: dir() });
    expect(r.code).toBe(2);
    expect(oneJson(r.stdout)).toMatchObject({ ok: false, error: { message: "no log subcommand given" } });
  });

  it("only moves options: never a word after the command's first argument", () => {
    expect(hoistGlobalOptions(["log", "--json", "render"])).toEqual(["log", "render", "--json"]);
    expect(hoistGlobalOptions(["--specs-dir", "s", "log", "--no-color", "add", "--title", "--json"])).toEqual([
      "log",
      "add",
      "--title",
      "--json",
      "--specs-dir",
      "s",
      "--no-color",
    ]);
    expect(hoistGlobalOptions(["add-journal", "spec", "--content", "--json"])).toEqual(["add-journal", "spec", "--content", "--json"]);
    expect(hoistGlobalOptions(["--json", "x", "--", "--json"])).toEqual(["x", "--json", "--", "--json"]);
  });
});
