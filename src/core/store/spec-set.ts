/** Opening specs for read-only commands: one by argument, or every spec of the specs directory. */
import type { SddConfig } from "./config.js";
import { listSpecFiles, resolveSpec, type SpecRef, type SpecsLocation } from "./discovery.js";
import { SddError } from "../errors.js";
import { displayPath } from "../paths.js";
import { readJsonFile, type LoadedFile } from "./spec-file.js";
import { journaledTypesOf } from "../spec/model.js";

export interface OpenedSpec {
  ref: SpecRef;
  /** The path as users see it. */
  shown: string;
  loaded: LoadedFile;
}

export interface UnreadableSpec {
  ref: SpecRef;
  shown: string;
  error: SddError;
}

export function journaledTypes(config: SddConfig): ReadonlySet<string> {
  return journaledTypesOf(config.journaledTypes);
}

export function openSpec(loc: SpecsLocation, arg: string, cwd: string): OpenedSpec {
  const ref = resolveSpec(arg, loc.specsDir, cwd);
  const shown = displayPath(ref.file, cwd);
  return { ref, shown, loaded: readJsonFile(ref.file, shown) };
}

/** The given specs, or every spec; unreadable files are returned apart, not thrown. */
export function openSpecs(loc: SpecsLocation, args: string[], cwd: string): { specs: OpenedSpec[]; unreadable: UnreadableSpec[] } {
  const refs = args.length > 0 ? args.map((a) => resolveSpec(a, loc.specsDir, cwd)) : listSpecFiles(loc.specsDir);
  const specs: OpenedSpec[] = [];
  const unreadable: UnreadableSpec[] = [];
  for (const ref of refs) {
    const shown = displayPath(ref.file, cwd);
    try {
      specs.push({ ref, shown, loaded: readJsonFile(ref.file, shown) });
    } catch (err) {
      if (!(err instanceof SddError)) throw err;
      unreadable.push({ ref, shown, error: err });
    }
  }
  return { specs, unreadable };
}
