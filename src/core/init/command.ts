/**
 * The command git runs for sdd (the merge driver and the pre-commit hook): chosen by
 * `sdd init` so it starts the very sdd that ran init, recorded per clone in git config
 * (`sdd.command`), wrapped so that a driver that cannot start still leaves a visible
 * conflict, and probed by `sdd doctor`.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, readFileSync, realpathSync } from "node:fs";
import { delimiter, join, sep } from "node:path";

/** Where this run of sdd lives: the node binary and the script it was started with. */
export interface SelfLocation {
  node: string;
  script: string;
}

/** The git config key holding the command, for the hook and the merge driver. */
export const COMMAND_KEY = "sdd.command";

/** Quoted for sh when it needs to be: a plain word stays as it is. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function real(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/**
 * `sdd` when the first `sdd` on PATH is this very sdd, else node and this script by their
 * absolute paths. PATH entries that npm and npx add for one run (`node_modules/.bin`) do
 * not count: git runs hooks and drivers with the user's own PATH.
 */
export function defaultSddCommand(self: SelfLocation, env: NodeJS.ProcessEnv): string {
  const script = real(self.script) ?? self.script;
  const binSuffix = `${sep}node_modules${sep}.bin`;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "" || dir.endsWith(binSuffix)) continue;
    const candidate = join(dir, "sdd");
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    // The first sdd on PATH is the one a shell runs: this one, or another (the Python tool).
    if (real(candidate) === script) return "sdd";
    break;
  }
  return `${shellQuote(self.node)} ${shellQuote(script)}`;
}

/**
 * The merge driver as git runs it (through sh, with %O %A %B %P replaced by quoted paths).
 * sdd itself exits 0 (merged) or 1 (both versions left between conflict markers). Any other
 * exit (the command does not start: 127, node missing, a crash) would leave OURS as it was,
 * which git's conflict report does not show: the other branch's change would pass as
 * merged the moment someone stages the file. So the wrapper puts both versions between
 * markers itself and exits 1.
 */
export function mergeDriverValue(command: string): string {
  return (
    `rc=0; ${command} merge-driver %O %A %B %P || rc=$?; ` +
    `if [ "$rc" -gt 1 ]; then ` +
    `{ echo '<<<<<<< ours'; awk 1 %A; echo '======='; awk 1 %B; echo '>>>>>>> theirs'; } > %A.sdd-merge && mv %A.sdd-merge %A; ` +
    `echo "sdd merge-driver could not run (exit $rc):" %P "holds both versions between conflict markers; check the command with: sdd doctor" >&2; ` +
    `exit 1; fi; exit "$rc"`
  );
}

/** The command inside a merge driver value mergeDriverValue made, else undefined. */
export function commandOfDriver(value: string): string | undefined {
  const m = /^rc=0; (.*) merge-driver %O %A %B %P \|\| rc=\$\?; /.exec(value);
  return m?.[1];
}

export interface CommandProbe {
  ok: boolean;
  /** What `<command> --version` printed (first line), or why it did not run. */
  detail: string;
}

/** Start `<command> --version` through sh, as git would; ok when it prints a version. */
export function probeCommand(command: string, cwd: string, env: NodeJS.ProcessEnv): CommandProbe {
  const r = spawnSync("sh", ["-c", `${command} --version`], { cwd, env, encoding: "utf8", timeout: 60_000 });
  if (r.error !== undefined) return { ok: false, detail: r.error.message };
  const out = (r.stdout ?? "").trim().split("\n")[0] ?? "";
  const err = (r.stderr ?? "").trim().split("\n")[0] ?? "";
  if (r.status !== 0) return { ok: false, detail: `exit ${r.status ?? r.signal}${err !== "" ? `: ${err}` : ""}` };
  if (!/^\d+\.\d+\.\d+/.test(out)) return { ok: false, detail: `printed ${JSON.stringify(out)}, not an sdd version` };
  return { ok: true, detail: out };
}

export interface CommandProblem {
  kind: "git-command";
  file: string;
  message: string;
  fixed: false;
}

/**
 * What `sdd doctor` reports about how git runs sdd in the repository at `root`: a recorded
 * command that does not start, a merge driver without the wrapper (a failure to start would
 * leave OURS silently), and a pre-commit hook that checks the working tree.
 */
export function checkGitCommands(root: string, env: NodeJS.ProcessEnv): CommandProblem[] {
  const get = (key: string): string | undefined => {
    const r = spawnSync("git", ["config", "--get", key], { cwd: root, env, encoding: "utf8" });
    return r.status === 0 ? r.stdout.replace(/\r?\n$/, "") : undefined;
  };
  const inGit = spawnSync("git", ["rev-parse", "--git-dir"], { cwd: root, env, encoding: "utf8" });
  if (inGit.error !== undefined || inGit.status !== 0) return [];
  const problems: CommandProblem[] = [];
  const problem = (message: string): void => {
    problems.push({ kind: "git-command", file: "git config", message, fixed: false });
  };
  const probed = new Map<string, CommandProbe>();
  const probe = (command: string): CommandProbe => {
    let p = probed.get(command);
    if (p === undefined) probed.set(command, (p = probeCommand(command, root, env)));
    return p;
  };
  const fix = "re-run sdd init (with --merge-driver if you use it) with the sdd you want git to run, or pass --driver-command";
  const command = get(COMMAND_KEY);
  if (command !== undefined) {
    const p = probe(command);
    if (!p.ok) problem(`${COMMAND_KEY} "${command}" does not start (${p.detail}): the pre-commit hook refuses every commit; ${fix}`);
  }
  const driver = get("merge.sdd.driver");
  if (driver !== undefined) {
    const inner = commandOfDriver(driver);
    if (inner === undefined) {
      problem(
        `merge.sdd.driver "${driver}" is not the driver sdd init registers: if it fails to start, git leaves the file as ours with no conflict markers; ${fix}`,
      );
    } else {
      const p = probe(inner);
      if (!p.ok) problem(`merge.sdd.driver runs "${inner}", which does not start (${p.detail}): every spec merge conflicts; ${fix}`);
    }
  }
  const hookFile = join(root, ".githooks", "pre-commit");
  let hook: string | undefined;
  try {
    hook = readFileSync(hookFile, "utf8");
  } catch {
    hook = undefined;
  }
  if (hook !== undefined && /\bsdd\b/.test(hook) && !hook.includes("checkout-index")) {
    problems.push({
      kind: "git-command",
      file: ".githooks/pre-commit",
      message:
        "the hook checks the working tree, not what is staged (and may ask npx to download sdd); delete it and run sdd init to write the current one",
      fixed: false,
    });
  }
  return problems;
}
