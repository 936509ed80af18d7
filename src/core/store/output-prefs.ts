/**
 * Output defaults from the project's config files, read before a command runs: the
 * `output` key of `sdd.config.json`, and the Python tool's `.claude/sdd_config.json`, so a
 * project set up for that tool (its setup writes `output.default_mode: "json"`) keeps
 * getting the JSON its scripts parse.
 *
 * Only these keys are read here, leniently: the full config is validated (and a broken
 * one reported) when the command locates its specs. Kept free of the schema machinery so
 * every command starts fast.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const PYTHON_CONFIG = join(".claude", "sdd_config.json");

export interface OutputPrefs {
  /** JSON when no output flag is given. */
  defaultJson: boolean;
  /** JSON in the Python tool's shape instead of the envelope. */
  compat: boolean;
  /** The Python tool's config file that was read, if any. */
  pythonConfig: string | undefined;
}

function readObject(file: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(file, "utf8"));
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function objectAt(v: unknown, key: string): Record<string, unknown> | undefined {
  if (v === null || typeof v !== "object") return undefined;
  const x = (v as Record<string, unknown>)[key];
  return x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}

/** The nearest `sdd.config.json` from `start` up to the repository root. */
function nearestSddConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const file = join(dir, "sdd.config.json");
    if (existsSync(file)) return file;
    if (existsSync(join(dir, ".git"))) return undefined;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The Python tool looks in the project folder and up to three parents. */
function nearestPythonConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (let i = 0; i <= 3; i++) {
    const file = join(dir, PYTHON_CONFIG);
    if (existsSync(file)) return file;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

export function loadOutputPrefs(start: string): OutputPrefs {
  const sddFile = nearestSddConfig(start);
  const own = sddFile === undefined ? undefined : objectAt(readObject(sddFile), "output");
  const pythonConfig = nearestPythonConfig(start);
  const py = pythonConfig === undefined ? undefined : objectAt(readObject(pythonConfig), "output");
  const ownDefault = own?.default;
  const defaultJson = ownDefault === "json" || ownDefault === "text" ? ownDefault === "json" : py?.default_mode === "json";
  const compat = typeof own?.compat === "boolean" ? own.compat : pythonConfig !== undefined;
  return { defaultJson, compat, pythonConfig };
}
