/**
 * The project config file, `sdd.config.json`, found from the working directory up to the
 * repository root (schemas/config.schema.json).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DataError } from "../errors.js";
import { decodeUtf8, JsonSource, parseJson } from "../json/source.js";
import { isObject } from "../spec/model.js";
import { schemaFindings } from "../schema/validate.js";

export const CONFIG_FILE = "sdd.config.json";

export interface SddConfig {
  specsDir?: string;
  workItemsDir?: string;
  logFile?: string;
  journaledTypes?: string[];
  logSections?: { title: string; state: "open" | "done" | "blocked" }[];
  lockTimeoutMs?: number;
  rules?: Record<string, "error" | "warning" | "off">;
  journalingBaseline?: string;
  output?: { default?: "text" | "json"; compat?: boolean };
}

export interface LoadedConfig {
  /** Absolute path of the config file, or undefined when there is none. */
  file: string | undefined;
  /** The directory paths in the config are relative to. */
  root: string;
  config: SddConfig;
}

/** The nearest ancestor of `start` (itself included) that holds `.git`, or undefined. */
export function findRepoRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, ".git"))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Directories from `start` up to the repository root (or the filesystem root outside git). */
export function ancestorsToRepoRoot(start: string): string[] {
  const dirs: string[] = [];
  const stop = findRepoRoot(start);
  let dir = resolve(start);
  for (;;) {
    dirs.push(dir);
    if (dir === stop) return dirs;
    const up = dirname(dir);
    if (up === dir) return dirs;
    dir = up;
  }
}

export function loadConfig(cwd: string): LoadedConfig {
  for (const dir of ancestorsToRepoRoot(cwd)) {
    const file = join(dir, CONFIG_FILE);
    if (!existsSync(file)) continue;
    const { text } = decodeUtf8(readFileSync(file), file);
    const value = parseJson(text, file);
    if (!isObject(value)) {
      throw new DataError("config-invalid", `${file}: the config file must hold a JSON object`, { file, line: 1, column: 1 });
    }
    // A wrong type here would silently change what the gate checks: refuse it.
    const problems = schemaFindings("config", value, "config-invalid");
    const first = problems[0];
    if (first !== undefined) {
      const pos = new JsonSource(text, file).locate(first.pointer);
      throw new DataError(
        "config-invalid",
        `${file}:${pos.line}:${pos.column}: invalid config: ${problems.map((p) => p.message).join("; ")}`,
        {
          file,
          line: pos.line,
          column: pos.column,
          fix: "Fix sdd.config.json (its schema: sdd schema config).",
        },
      );
    }
    return { file, root: dir, config: value };
  }
  return { file: undefined, root: findRepoRoot(cwd) ?? resolve(cwd), config: {} };
}
