/**
 * `sdd validate`: resolve the targets, read each file, run the schema and the semantic
 * rules, check links and duplicate ids across files, and attach line:column to findings.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { loadConfig, type SddConfig } from "../store/config.js";
import { findSpecsDir, folderOf, isSpecsDir, listSpecFiles, resolveSpec } from "../store/discovery.js";
import { NotFoundError, type ExitCodeValue } from "../errors.js";
import { compareFindings, exitCodeFor, type Finding } from "../findings.js";
import { displayPath } from "../paths.js";
import { SPEC_FOLDERS, type SpecFolder } from "../spec/model.js";
import { validateTargets } from "./parallel.js";
import type { FileOutcome, Target } from "./file.js";

export { resolveWorkItemPath, validateFile, type FileOutcome, type Target } from "./file.js";

export interface ValidateOptions {
  cwd: string;
  targets: string[];
  specsDir?: string | undefined;
  path?: string | undefined;
  strict?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Called as files are validated (files done, of total). */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** This thread validates files too (see ValidateThreads). */
  shareThread?: boolean;
}

export interface FileReport {
  file: string;
  spec_id: string | undefined;
  status: "valid" | "warnings" | "errors" | "unreadable";
  errors: number;
  warnings: number;
}

export interface ValidateResult {
  files: FileReport[];
  findings: Finding[];
  summary: { files: number; errors: number; warnings: number; unreadable: number };
  exitCode: ExitCodeValue;
}

function collectJsonFiles(dir: string): Target[] {
  if (isSpecsDir(dir)) return listSpecFiles(dir).map((r) => ({ file: r.file, folder: r.folder }));
  const folder = (SPEC_FOLDERS as readonly string[]).includes(basename(dir)) ? (basename(dir) as SpecFolder) : undefined;
  return readdirSync(dir)
    .filter((n) => n.endsWith(".json") && !n.startsWith("."))
    .sort()
    .map((n) => ({ file: join(dir, n), folder }));
}

function resolveTargets(options: ValidateOptions): { targets: Target[]; config: SddConfig } {
  const { cwd } = options;
  if (options.targets.length === 0) {
    const loc = findSpecsDir(options);
    return { targets: collectJsonFiles(loc.specsDir), config: loc.config.config };
  }
  const out: Target[] = [];
  let specsDir: string | undefined;
  // Rule settings apply however the files were named, not only when an id was looked up.
  let config: SddConfig = loadConfig(resolve(cwd, options.path ?? ".")).config;
  for (const t of options.targets) {
    const abs = resolve(cwd, t);
    if (existsSync(abs) && statSync(abs).isDirectory()) {
      const found = collectJsonFiles(abs);
      // A directory with nothing to check is almost always the wrong directory; passing
      // silently would let CI validate nothing. An empty specs directory is fine.
      if (found.length === 0 && !isSpecsDir(abs)) {
        throw new NotFoundError("no-spec-files", `${displayPath(abs, cwd)}: no .json files in this directory`, {
          file: displayPath(abs, cwd),
          fix: "sdd validate   # every spec in the specs directory",
        });
      }
      out.push(...found);
      continue;
    }
    if (existsSync(abs)) {
      const parent = dirname(abs);
      const folder = (SPEC_FOLDERS as readonly string[]).includes(basename(parent)) ? (basename(parent) as SpecFolder) : undefined;
      out.push({ file: abs, folder });
      continue;
    }
    if (specsDir === undefined) {
      const loc = findSpecsDir(options);
      specsDir = loc.specsDir;
      config = loc.config.config;
    }
    const ref = resolveSpec(t, specsDir, cwd);
    out.push({ file: ref.file, folder: ref.folder ?? folderOf(ref.file, specsDir) });
  }
  const seen = new Set<string>();
  return { targets: out.filter((x) => (seen.has(x.file) ? false : (seen.add(x.file), true))), config };
}

export function applyRuleConfig(findings: Finding[], rules: SddConfig["rules"]): Finding[] {
  if (rules === undefined) return findings;
  const out: Finding[] = [];
  for (const f of findings) {
    const setting = rules[f.code];
    if (setting === "off") continue;
    out.push(setting === undefined ? f : { ...f, severity: setting });
  }
  return out;
}

export function runValidate(options: ValidateOptions): ValidateResult {
  const { targets, config } = resolveTargets(options);
  const files: FileReport[] = [];
  let findings: Finding[] = [];
  let unreadable = 0;
  const byId = new Map<string, { file: string; line: number; column: number }[]>();
  const outcomes = validateTargets(targets, options.cwd, options.onProgress, { shareHere: options.shareThread === true });
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i] as Target;
    const r = outcomes[i] as FileOutcome;
    const shown = displayPath(target.file, options.cwd);
    findings.push(...r.findings);
    if (r.unreadable) unreadable++;
    files.push({ file: shown, spec_id: r.specId, status: r.unreadable ? "unreadable" : "valid", errors: 0, warnings: 0 });
    const id = r.specId ?? basename(target.file).replace(/\.json$/i, "");
    byId.set(id, [...(byId.get(id) ?? []), { file: shown, line: r.idLine ?? 1, column: r.idColumn ?? 1 }]);
  }
  for (const [id, where] of byId) {
    if (where.length < 2) continue;
    for (const { file, line, column } of where) {
      const others = where.filter((w) => w.file !== file).map((w) => w.file);
      findings.push({
        code: "duplicate-spec-id",
        severity: "error",
        file,
        pointer: "/spec_id",
        line,
        column,
        spec_id: id,
        message: `spec id ${JSON.stringify(id)} is also used by ${others.join(", ")}`,
      });
    }
  }
  findings = applyRuleConfig(findings, config.rules).sort(compareFindings);
  // Per-file counts from the final findings, so they agree with the rule settings.
  const byFile = new Map(files.map((f) => [f.file, f]));
  for (const f of findings) {
    const report = byFile.get(f.file);
    if (report === undefined) continue;
    if (f.severity === "error") report.errors++;
    else if (f.severity === "warning") report.warnings++;
  }
  for (const report of files) {
    if (report.status !== "unreadable") report.status = report.errors > 0 ? "errors" : report.warnings > 0 ? "warnings" : "valid";
  }
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  const exitCode = exitCodeFor({ unreadable, errors, warnings, strict: options.strict === true });
  return { files, findings, summary: { files: files.length, errors, warnings, unreadable }, exitCode };
}
