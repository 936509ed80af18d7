/**
 * The command git runs for sdd (the merge driver and the pre-commit hook): chosen by
 * `sdd init` so it starts the very sdd that ran init, recorded per clone in git config
 * (`sdd.command`), wrapped so that a driver that cannot start still leaves a visible
 * conflict, and probed by `sdd doctor`.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, realpathSync } from "node:fs";
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
