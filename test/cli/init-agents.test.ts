/**
 * `sdd init --agents`: the agents' workflow in AGENTS.md (and a pointer in CLAUDE.md when the
 * project has one), between markers, so the user's own text is never touched.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MARKER_END, MARKER_START, withSection } from "../../src/core/init/agents.js";
import { oneJson, runCli, tempTree } from "../helpers.js";

function gitRepo(files: Record<string, string> = {}): string {
  const dir = realpathSync(tempTree(files));
  execFileSync("git", ["init", "-q"], { cwd: dir });
  return dir;
}

const read = (dir: string, f: string): string => readFileSync(join(dir, f), "utf8");

describe("sdd init --agents", () => {
  it("creates AGENTS.md with the workflow, and no CLAUDE.md when the project has none", async () => {
    const root = gitRepo();
    const r = await runCli(["init", "--agents", "--json"], { cwd: root });
    expect(r.code, r.stdout).toBe(0);
    expect(oneJson(r.stdout).agents).toEqual([{ file: "AGENTS.md", action: "created" }]);
    const text = read(root, "AGENTS.md");
    expect(text.startsWith(MARKER_START + "\n")).toBe(true);
    expect(text.endsWith(MARKER_END + "\n")).toBe(true);
    for (const step of [
      "SDD_AGENT",
      "sdd ready",
      "sdd claim",
      "sdd renew",
      "sdd add-journal",
      "sdd complete-task",
      "sdd ci",
      "Never edit a spec's JSON by hand",
    ])
      expect(text, step).toContain(step);
    expect(existsSync(join(root, "CLAUDE.md"))).toBe(false);
    // The rest of init ran too.
    expect(existsSync(join(root, "sdd.config.json"))).toBe(true);
  });

  it("adds the section after the user's text, points CLAUDE.md at it, and a second run changes nothing", async () => {
    const mine = "# My project\n\nOur own rules for agents.\n";
    const claude = "# Claude\n\nBe brief.\n";
    const root = gitRepo({ "AGENTS.md": mine, "CLAUDE.md": claude });
    const r = await runCli(["init", "--agents"], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/added\s+AGENTS\.md \(sdd section\)/);
    expect(r.stdout).toMatch(/added\s+CLAUDE\.md \(sdd section\)/);
    const agents = read(root, "AGENTS.md");
    expect(agents.startsWith(mine + "\n" + MARKER_START)).toBe(true);
    const pointer = read(root, "CLAUDE.md");
    expect(pointer.startsWith(claude + "\n" + MARKER_START)).toBe(true);
    expect(pointer).toContain("@AGENTS.md");

    const again = await runCli(["init", "--agents", "--json"], { cwd: root });
    expect(oneJson(again.stdout).agents).toEqual([
      { file: "AGENTS.md", action: "unchanged" },
      { file: "CLAUDE.md", action: "unchanged" },
    ]);
    expect(read(root, "AGENTS.md")).toBe(agents);
    expect(read(root, "CLAUDE.md")).toBe(pointer);
  });

  it("replaces only what is between the markers, keeping the text around them", async () => {
    const root = gitRepo();
    const before = "# Top\n\nkeep me\n";
    const after = "\n## Later\n\nand me\n";
    writeFileSync(join(root, "AGENTS.md"), `${before}${MARKER_START}\nan old sdd section\n${MARKER_END}${after}`);
    const r = await runCli(["init", "--agents", "--json"], { cwd: root });
    expect(oneJson(r.stdout).agents).toEqual([{ file: "AGENTS.md", action: "updated" }]);
    const text = read(root, "AGENTS.md");
    expect(text.startsWith(before + MARKER_START + "\n## Working with sdd")).toBe(true);
    expect(text.endsWith(MARKER_END + after)).toBe(true);
    expect(text).not.toContain("an old sdd section");
  });

  it("refuses markers that do not pair up, naming the file and line, and writes nothing", async () => {
    const root = gitRepo({ "AGENTS.md": `# Top\n\n${MARKER_START}\nno end marker\n` });
    const before = read(root, "AGENTS.md");
    const r = await runCli(["init", "--agents"], { cwd: root });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/AGENTS\.md:3:1: the sdd section's markers do not pair up/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(read(root, "AGENTS.md")).toBe(before);
    // Refused before anything else was scaffolded.
    expect(existsSync(join(root, "sdd.config.json"))).toBe(false);
  });
});

describe("withSection", () => {
  it("keeps CRLF line endings", () => {
    const r = withSection("a\r\nb\r\n", "x\n", "AGENTS.md");
    expect(r.text).toBe(`a\r\nb\r\n\r\n${MARKER_START}\r\nx\r\n${MARKER_END}\r\n`);
    expect(withSection(r.text, "x\n", "AGENTS.md").action).toBe("unchanged");
  });

  it("refuses an end marker before the start", () => {
    expect(() => withSection(`${MARKER_END}\n${MARKER_START}\n`, "x", "AGENTS.md")).toThrow(/AGENTS\.md:2:1/);
  });
});
