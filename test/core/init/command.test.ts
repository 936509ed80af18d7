/**
 * The command git runs for sdd: `sdd` only when that is this very sdd on the user's PATH,
 * else node and this script by absolute path; quoting for sh; and `sdd doctor` reporting a
 * recorded command that does not start, a driver without the wrapper, and an old hook.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commandOfDriver, defaultSddCommand, mergeDriverValue, shellQuote } from "../../../src/core/init/command.js";
import { BIN, oneJson, runCli, tempTree } from "../../helpers.js";

const script = realpathSync(BIN);
const self = { node: process.execPath, script: BIN };

describe("defaultSddCommand", () => {
  it("is sdd when the first sdd on PATH is this script (a global install's symlink)", () => {
    const bin = tempTree();
    symlinkSync(script, join(bin, "sdd"));
    expect(defaultSddCommand(self, { PATH: `${bin}:/usr/bin` })).toBe("sdd");
  });

  it("is node and the script's absolute path when sdd is not on PATH", () => {
    expect(defaultSddCommand(self, { PATH: "/usr/bin:/bin" })).toBe(`${shellQuote(process.execPath)} ${shellQuote(script)}`);
  });

  it("ignores node_modules/.bin, which npx and npm run put on PATH for one run only", () => {
    const project = tempTree();
    const dotBin = join(project, "node_modules", ".bin");
    mkdirSync(dotBin, { recursive: true });
    symlinkSync(script, join(dotBin, "sdd"));
    expect(defaultSddCommand(self, { PATH: `${dotBin}:/usr/bin` })).not.toBe("sdd");
  });

  it("is not sdd when the first sdd on PATH is another program (the Python tool)", () => {
    const other = tempTree({ sdd: "#!/bin/sh\necho other\n" });
    chmodSync(join(other, "sdd"), 0o755);
    const mine = tempTree();
    symlinkSync(script, join(mine, "sdd"));
    expect(defaultSddCommand(self, { PATH: `${other}:${mine}` })).toBe(`${shellQuote(process.execPath)} ${shellQuote(script)}`);
  });
});

describe("shellQuote and the driver wrapper", () => {
  it("quotes what sh would split or expand, and leaves plain paths alone", () => {
    expect(shellQuote("/usr/bin/node")).toBe("/usr/bin/node");
    expect(shellQuote("/Users/Ann Lee/it's/sdd.js")).toBe(`'/Users/Ann Lee/it'\\''s/sdd.js'`);
    const r = spawnSync("sh", ["-c", `printf %s ${shellQuote("a b'c$HOME")}`], { encoding: "utf8" });
    expect(r.stdout).toBe("a b'c$HOME");
  });

  it("finds the command inside the wrapper it made", () => {
    expect(commandOfDriver(mergeDriverValue("'/opt/my node/node' /x/sdd.js"))).toBe("'/opt/my node/node' /x/sdd.js");
    expect(commandOfDriver("npx --no-install sdd merge-driver %O %A %B %P")).toBeUndefined();
  });
});

function repo(): { dir: string; env: Record<string, string>; git: (...a: string[]) => void } {
  const dir = realpathSync(tempTree({ "specs/active/.gitkeep": "" }));
  const env = { HOME: dir, XDG_CONFIG_HOME: dir, GIT_CONFIG_NOSYSTEM: "1" };
  const git = (...a: string[]): void => {
    const r = spawnSync("git", a, { cwd: dir, env: { ...process.env, ...env }, encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  git("init", "-q");
  return { dir, env, git };
}

describe("sdd doctor checks how git runs sdd", () => {
  it("is content with what sdd init recorded", async () => {
    const r = repo();
    expect((await runCli(["init", "--merge-driver"], { cwd: r.dir, env: r.env })).code).toBe(0);
    const doctor = await runCli(["doctor", "--json"], { cwd: r.dir, env: r.env });
    expect(oneJson(doctor.stdout).problems).toEqual([]);
    expect(doctor.code).toBe(0);
  });

  it("reports a recorded command that does not start, and a driver without the wrapper", async () => {
    const r = repo();
    r.git("config", "sdd.command", "/nonexistent/sdd");
    r.git("config", "merge.sdd.driver", "npx --no-install sdd merge-driver %O %A %B %P");
    const doctor = await runCli(["doctor", "--json"], { cwd: r.dir, env: r.env });
    expect(doctor.code).toBe(1);
    const messages = (oneJson(doctor.stdout).problems as { kind: string; message: string }[]).map((p) => [p.kind, p.message]);
    expect(messages).toEqual([
      ["git-command", expect.stringMatching(/^sdd\.command "\/nonexistent\/sdd" does not start \(exit 127/)],
      ["git-command", expect.stringContaining("is not the driver sdd init registers")],
    ]);
  });

  it("reports a driver whose command does not start", async () => {
    const r = repo();
    r.git("config", "merge.sdd.driver", mergeDriverValue("/nonexistent/sdd"));
    const doctor = await runCli(["doctor"], { cwd: r.dir, env: r.env });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain('merge.sdd.driver runs "/nonexistent/sdd", which does not start');
  });

  it("reports a pre-commit hook that checks the working tree", async () => {
    const r = repo();
    writeFileSync(join(r.dir, "sdd.config.json"), "{}");
    mkdirSync(join(r.dir, ".githooks"));
    writeFileSync(join(r.dir, ".githooks", "pre-commit"), "#!/bin/sh\nexec npx --no-install sdd ci\n");
    const doctor = await runCli(["doctor"], { cwd: r.dir, env: r.env });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(".githooks/pre-commit: the hook checks the working tree");
  });
});
