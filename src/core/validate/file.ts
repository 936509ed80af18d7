/** One spec file checked: read and parse it, then its schema, semantic rules and links. */
import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { ExitCode, SddError } from "../errors.js";
import { dedupeFindings, type Finding, type RawFinding } from "../findings.js";
import { displayPath } from "../paths.js";
import type { DuplicateKey } from "../json/source.js";
import { readListedJsonFile, type LoadedFile } from "../store/spec-file.js";
import { isObject, type SpecFolder } from "../spec/model.js";
import { checkSpec } from "../spec/rules/index.js";
import { schemaFindings } from "../schema/validate.js";

export interface Target {
  file: string;
  folder: SpecFolder | undefined;
}

/** A work-item path is resolved against the spec's folder and its ancestors, nearest first. */
export function resolveWorkItemPath(specFile: string, link: string): string | undefined {
  let dir = dirname(specFile);
  for (;;) {
    const candidate = resolve(dir, link);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function linkFindings(loaded: LoadedFile): RawFinding[] {
  const doc = loaded.value;
  if (!isObject(doc) || !isObject(doc.metadata)) return [];
  const link = doc.metadata.work_item_spec;
  if (typeof link !== "string" || link === "") return [];
  if (resolveWorkItemPath(loaded.file, link) !== undefined) return [];
  return [
    {
      code: "work-item-missing",
      severity: "error",
      pointer: "/metadata/work_item_spec",
      message: `metadata.work_item_spec ${JSON.stringify(link)} does not exist`,
    },
  ];
}

export interface FileOutcome {
  findings: Finding[];
  specId: string | undefined;
  unreadable: boolean;
  idLine?: number;
  idColumn?: number;
}

/** The finding carries the file and position itself; drop them from the error's message. */
function withoutLocation(message: string, file: string): string {
  if (!message.startsWith(file)) return message;
  return message.slice(file.length).replace(/^(?::\d+:\d+)?: /, "");
}

export function validateFile(target: Target, cwd: string): FileOutcome {
  let shown = displayPath(target.file, cwd);
  let loaded: LoadedFile;
  let duplicates: DuplicateKey[];
  try {
    // A spec another process moves meanwhile is read where it went (once).
    const read = readListedJsonFile(target.file, (f) => displayPath(f, cwd));
    if (read.file !== target.file) {
      target = { file: read.file, folder: read.folder };
      shown = displayPath(read.file, cwd);
    }
    loaded = read.loaded;
    // Duplicate keys (json-source: a key count, else the scanner, which may refuse what
    // JSON.parse took). Positions are indexed only when a finding needs one (locate below).
    duplicates = loaded.source.duplicateKeys;
  } catch (err) {
    if (!(err instanceof SddError)) throw err;
    const f: Finding = {
      code: err.code,
      severity: "error",
      message: withoutLocation(err.message, shown),
      file: shown,
      pointer: "",
    };
    if (err.line !== undefined) f.line = err.line;
    if (err.column !== undefined) f.column = err.column;
    return { findings: [f], specId: undefined, unreadable: err.exitCode === ExitCode.unreadable };
  }
  const stem = basename(target.file).replace(/\.json$/i, "");
  const raw: RawFinding[] = [];
  if (loaded.bom)
    raw.push({
      code: "json-bom",
      severity: "warning",
      pointer: "",
      message: "the file starts with a UTF-8 byte order mark; most JSON tools reject it",
    });
  for (const d of duplicates) {
    raw.push({
      code: "json-duplicate-key",
      severity: "error",
      pointer: d.pointer,
      message: `key ${JSON.stringify(d.key)} appears more than once in the same object; all but the last are ignored`,
    });
  }
  raw.push(...schemaFindings("spec", loaded.value));
  raw.push(...checkSpec(loaded.value, { fileStem: stem, folder: target.folder, protoKey: loaded.source.protoKey }));
  raw.push(...linkFindings(loaded));
  const specId = isObject(loaded.value) && typeof loaded.value.spec_id === "string" ? loaded.value.spec_id : undefined;
  const findings = dedupeFindings(raw).map((r): Finding => {
    const pos = loaded.source.locate(r.pointer);
    const f: Finding = { ...r, file: shown, line: pos.line, column: pos.column };
    if (specId !== undefined) f.spec_id = specId;
    return f;
  });
  const idPos = loaded.source.locate("/spec_id");
  return { findings, specId, unreadable: false, idLine: idPos.line, idColumn: idPos.column };
}
