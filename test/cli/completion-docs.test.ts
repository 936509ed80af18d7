/**
 * What is generated from the command definitions cannot drift from them: shell completion
 * scripts name every command, the bash script parses and completes, docs/commands.md and
 * the rule reference of docs/rules.md are current, and the README's exit-code table matches
 * the codes the CLI uses.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import { CliContext } from "../../src/commands/_shared.js";
import { completionScript } from "../../src/ui/completion.js";
import { ExitCode } from "../../src/core/errors.js";
import { renderCommandsMarkdown } from "../../src/ui/docs-gen.js";
import { renderRulesMarkdown, RULES_DOC_MARKER } from "../../src/ui/rules-doc.js";
import { BIN, makeSpec, oneJson, REPO_ROOT, runCli, specsTree, tempTree } from "../helpers.js";

const SHELLS = ["bash", "zsh", "fish"] as const;

function program(): Promise<Command> {
  const ctx = new CliContext({
    cwd: REPO_ROOT,
    env: {},
    stdout: () => undefined,
    stderr: () => undefined,
    stdoutIsTTY: false,
    stdinIsTTY: false,
  });
  return buildProgram(ctx);
}

const isHidden = (c: Command): boolean => (c as unknown as { _hidden?: boolean })._hidden === true;
const COMMANDS = (await program()).commands.filter((c) => !isHidden(c));
const NAMES = COMMANDS.map((c) => c.name());

const has = (tool: string): boolean => spawnSync(tool, ["--version"], { stdio: "ignore" }).error === undefined;
const unless = (tool: string): string => (has(tool) ? "" : ` (skipped: ${tool} is not installed)`);

/** The commands a script offers as the first word, read the way each shell would. */
function offeredCommands(shell: (typeof SHELLS)[number], script: string): string[] {
  if (shell === "bash") {
    const m = /words="([^"]*) --help --version"/.exec(script);
    return m === null ? [] : m[1]!.split(" ");
  }
  if (shell === "zsh") {
    const block = /commands=\(\n([\s\S]*?)\n {2}\)/.exec(script)?.[1] ?? "";
    return block.split("\n").map((l) => /^\s+'([a-z-]+):/.exec(l)?.[1] ?? `unparsed: ${l}`);
  }
  return [...script.matchAll(/-n '__fish_use_subcommand' -a '([a-z-]+)'/g)].map((m) => m[1]!);
}

/**
 * The single-quoted strings of one fish command line, decoded (fish allows \' and \\ inside
 * single quotes), or null when a quote is left open.
 */
function fishQuoted(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] !== "'") {
      i++;
      continue;
    }
    let s = "";
    i++;
    for (;;) {
      if (i >= line.length) return null;
      const c = line[i]!;
      if (c === "\\" && (line[i + 1] === "'" || line[i + 1] === "\\")) {
        s += line[i + 1];
        i += 2;
      } else if (c === "'") {
        i++;
        break;
      } else {
        s += c;
        i++;
      }
    }
    out.push(s);
  }
  return out;
}

describe("sdd completion", () => {
  it.each(SHELLS)("%s: a script that offers every registered command", async (shell) => {
    const r = await runCli(["completion", shell]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(offeredCommands(shell, r.stdout)).toEqual(NAMES);
    // Each command's own options are offered after it.
    for (const c of COMMANDS) {
      const flag = c.options.find((o) => !o.hidden && o.long !== undefined && !["--json", "--format"].includes(o.long))?.long;
      if (flag === undefined) continue;
      const line = r.stdout
        .split("\n")
        .find((l) => (shell === "fish" ? l.includes(`from ${c.name()}' -l '${flag.slice(2)}'`) : l.trimStart().startsWith(`${c.name()})`)));
      expect(line, `${shell}: no completion of ${c.name()}'s options`).toBeDefined();
      if (shell !== "fish") expect(line).toContain(flag);
    }
  });

  it("--json wraps the same script in the report", async () => {
    const text = await runCli(["completion", "bash"]);
    const json = await runCli(["completion", "bash", "--json"]);
    expect(json.code).toBe(0);
    expect(oneJson(json.stdout)).toMatchObject({ command: "completion", ok: true, shell: "bash", script: text.stdout });
  });

  it("an unknown shell is a usage error", async () => {
    const r = await runCli(["completion", "powershell"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("powershell");
    expect(r.stdout).toBe("");
  });

  it.skipIf(!has("bash"))(`bash accepts the bash script, and it completes commands and their options${unless("bash")}`, async () => {
    const script = (await runCli(["completion", "bash"])).stdout;
    const file = join(tempTree({ "sdd.bash": script }), "sdd.bash");
    const syntax = spawnSync("bash", ["-n", file], { encoding: "utf8" });
    expect(syntax.status, syntax.stderr).toBe(0);

    const complete = (words: string[]): string[] => {
      const cmd = `source ${JSON.stringify(file)}; COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(" ")}); COMP_CWORD=${words.length - 1}; _sdd; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = spawnSync("bash", ["--norc", "--noprofile", "-c", cmd], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.split("\n").filter((l) => l !== "");
    };
    expect(complete(["sdd", "update-"])).toEqual(NAMES.filter((n) => n.startsWith("update-")));
    expect(complete(["sdd", "ci", "--st"])).toEqual(["--strict"]);
    expect(complete(["sdd", "update-status", "--fr"])).toEqual(["--from"]);
  });

  it.skipIf(!has("zsh"))(`zsh accepts the zsh script${unless("zsh")}`, async () => {
    const file = join(tempTree({ _sdd: (await runCli(["completion", "zsh"])).stdout }), "_sdd");
    const r = spawnSync("zsh", ["-n", file], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
  });

  it.skipIf(!has("fish"))(`fish accepts the fish script${unless("fish")}`, async () => {
    const file = join(tempTree({ "sdd.fish": (await runCli(["completion", "fish"])).stdout }), "sdd.fish");
    const r = spawnSync("fish", ["--no-execute", file], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
  });

  it("fish: every quote is closed and each description is a prefix of the command's", async () => {
    const script = (await runCli(["completion", "fish"])).stdout;
    for (const line of script.split("\n").filter((l) => l.startsWith("complete "))) {
      expect(fishQuoted(line), line).not.toBeNull();
    }
    for (const c of COMMANDS) {
      const line = script.split("\n").find((l) => l.includes(`__fish_use_subcommand' -a '${c.name()}'`))!;
      const description = fishQuoted(line)!.at(-1)!;
      expect(description.length).toBeGreaterThan(0);
      expect(c.description().startsWith(description), `${c.name()}: ${description}`).toBe(true);
    }
  });

  it("fish: a description cut at the length limit right at an apostrophe still closes its quote", () => {
    const p = new Command("sdd");
    const long = "x".repeat(79) + "'s tail";
    p.command("quoted").description(long);
    p.command("slashed").description("a \\ backslash and a quote's end");
    const lines = completionScript(p, "fish").split("\n");
    for (const name of ["quoted", "slashed"]) {
      const line = lines.find((l) => l.includes(`-a '${name}'`))!;
      const quoted = fishQuoted(line);
      expect(quoted, line).not.toBeNull();
      const description = quoted!.at(-1)!;
      expect(
        p.commands
          .find((c) => c.name() === name)!
          .description()
          .startsWith(description),
        description,
      ).toBe(true);
    }
  });
});

describe("dynamic completion (sdd __complete, as the scripts call it)", () => {
  const project = (): string =>
    specsTree([{ spec: makeSpec("alpha-2026-01-01-001") }, { spec: makeSpec("beta-2026-01-01-001"), folder: "pending" }]);
  const complete = async (cwd: string, words: string[]): Promise<string[]> => {
    const r = await runCli(["__complete", "--", ...words], { cwd });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.split("\n").filter((l) => l !== "");
  };

  it("completes spec ids where a command takes a spec, and the spec's node ids where it takes a task", async () => {
    const dir = project();
    expect(await complete(dir, ["update-status", ""])).toEqual(["alpha-2026-01-01-001", "beta-2026-01-01-001"]);
    expect(await complete(dir, ["progress", "b"])).toEqual(["beta-2026-01-01-001"]);
    expect(await complete(dir, ["complete-task", "alpha-2026-01-01-001", "task-"])).toEqual(["task-1-1", "task-1-2"]);
    expect(await complete(dir, ["add-task", "alpha-2026-01-01-001", "ph"])).toEqual(["phase-1"]);
    // After the ids: the status argument's choices.
    expect(await complete(dir, ["update-status", "alpha-2026-01-01-001", "task-1-1", "in"])).toEqual(["in_progress"]);
  });

  it("reads the specs directory the words name, and skips option values when counting arguments", async () => {
    const dir = project();
    const elsewhere = specsTree([{ spec: makeSpec("gamma-2026-01-01-001") }]);
    expect(await complete(elsewhere, ["task-info", "--specs-dir", join(dir, "specs"), ""])).toEqual([
      "alpha-2026-01-01-001",
      "beta-2026-01-01-001",
    ]);
    expect(await complete(dir, ["mark-blocked", "--reason", "x", "alpha-2026-01-01-001", "verify"])).toEqual(["verify-1-1"]);
  });

  it("completes subcommands of a group, option choices, and nothing (exit 0) where there are no specs", async () => {
    const dir = project();
    expect(await complete(dir, ["log", "re"])).toEqual(["render"]);
    expect(await complete(dir, ["ci", "--format", ""])).toEqual(["text", "json", "github", "sarif"]);
    expect(await complete(tempTree(), ["progress", ""])).toEqual([]);
    expect(await complete(dir, ["complete-task", "no-such-spec", ""])).toEqual([]);
  });

  it.skipIf(!has("bash"))(`the bash script asks sdd for spec and task ids${unless("bash")}`, async () => {
    const dir = project();
    const script = (await runCli(["completion", "bash"])).stdout;
    const tools = tempTree({
      "sdd.bash": script,
      sdd: `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`,
    });
    chmodSync(join(tools, "sdd"), 0o755);
    const words = [join(tools, "sdd"), "complete-task", "alpha-2026-01-01-001", "task-1"];
    const cmd = `source sdd.bash_; COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(" ")}); COMP_CWORD=${words.length - 1}; _sdd; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync("bash", ["--norc", "--noprofile", "-c", cmd.replace("sdd.bash_", JSON.stringify(join(tools, "sdd.bash")))], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l !== "")).toEqual(["task-1-1", "task-1-2"]);
  });
});

describe("docs/commands.md", () => {
  it("is what `npm run docs` generates from the command definitions", async () => {
    const onDisk = readFileSync(join(REPO_ROOT, "docs", "commands.md"), "utf8");
    const generated = renderCommandsMarkdown(await program());
    expect(onDisk, "docs/commands.md is stale: run `npm run docs` and commit the result").toBe(generated);
  });

  it("documents every command", () => {
    const onDisk = readFileSync(join(REPO_ROOT, "docs", "commands.md"), "utf8");
    for (const name of NAMES) expect(onDisk, `docs/commands.md lacks sdd ${name}; run \`npm run docs\``).toContain(`## \`sdd ${name}\``);
  });
});

describe("docs/rules.md", () => {
  it("has the rule reference `npm run docs` generates from the registry of finding codes, below its hand-written part", () => {
    const onDisk = readFileSync(join(REPO_ROOT, "docs", "rules.md"), "utf8");
    expect(onDisk, "docs/rules.md has lost the line that starts its generated part").toContain(RULES_DOC_MARKER);
    expect(onDisk, "docs/rules.md is stale: run `npm run docs` and commit the result").toBe(renderRulesMarkdown(onDisk));
  });
});

describe("README", () => {
  it("has an exit-code table listing 0, 1, 2, 3, 4, 130 and 143, the codes the CLI uses", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const section = /^## Exit codes\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
    expect(section, "README.md has no '## Exit codes' section").toBeDefined();
    const rows = [...section!.matchAll(/^\| *(\d+) *\| *(\S[^|]*?) *\|$/gm)].map((m) => [Number(m[1]), m[2]!] as const);
    expect(rows.map(([code]) => code)).toEqual([0, 1, 2, 3, 4, 130, 143]);
    expect(rows.map(([code]) => code)).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
    for (const [code, meaning] of rows) expect(meaning.length, `exit ${code} has no explanation`).toBeGreaterThan(1);
  });
});
