/**
 * The project config file, `sdd.config.json`, found from the working directory up to the
 * repository root (schemas/config.schema.json).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DataError, UsageError } from "../errors.js";
import { decodeUtf8, escapePointerToken, JsonSource, parseJson } from "../json/source.js";
import { LOG_FINDING_CODES, SPEC_FINDING_CODES } from "../spec/codes.js";
import { isObject } from "../spec/model.js";
import { schemaFindings } from "../schema/validate.js";

/** Every code a `rules` entry may name: spec and journaling findings, log rules, and the rendered log's staleness. */
const KNOWN_CODES: ReadonlySet<string> = new Set([...SPEC_FINDING_CODES, ...LOG_FINDING_CODES]);

export const CONFIG_FILE = "sdd.config.json";

export interface SddConfig {
  specsDir?: string;
  workItemsDir?: string;
  logFile?: string;
  journaledTypes?: string[];
  logSections?: { title: string; state: "open" | "done" | "blocked" }[];
  logs?: string[];
  requiredFields?: { open?: string[]; done?: string[] };
  fieldPlaceholders?: string[];
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
    const unknown = Object.keys(isObject(value.rules) ? value.rules : {}).filter((code) => !KNOWN_CODES.has(code));
    if (unknown.length > 0) {
      const pos = new JsonSource(text, file).locate(`/rules/${escapePointerToken(unknown[0] as string)}`);
      throw new UsageError(
        `${file}:${pos.line}:${pos.column}: rules: unknown finding code${unknown.length === 1 ? "" : "s"} ${unknown.map((c) => JSON.stringify(c)).join(", ")}; the codes are listed in docs/rules.md and docs/worklog.md`,
        { code: "config-unknown-rule", file },
      );
    }
    return { file, root: dir, config: value };
  }
  return { file: undefined, root: findRepoRoot(cwd) ?? resolve(cwd), config: {} };
}
