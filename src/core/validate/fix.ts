/**
 * `sdd fix` and `validate --fix`: apply the safe repair of each finding that has one, spec
 * by spec (one transaction each), then judge what was saved by validating the result.
 */
import { basename, dirname } from "node:path";
import type { Operation } from "fast-json-patch";
import { ExitCode, SddError, type ExitCodeValue } from "../errors.js";
import { exitCodeFor, unreadableFinding, type Finding, type RawFinding } from "../findings.js";
import { planFix } from "../mutations/fix.js";
import { displayPath } from "../paths.js";
import { SPEC_FOLDERS, type SpecFolder } from "../spec/model.js";
import type { SpecsLocation } from "../store/discovery.js";
import { transact } from "../store/transaction.js";
import { validateFile } from "./file.js";

export interface FixOptions {
  loc: SpecsLocation;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Spec ids or files, as given. */
  specs: readonly string[];
  dryRun: boolean;
  lockTimeoutMs: number;
  /** Only repair findings with these codes (default: every repairable one). */
  select?: readonly string[];
  /** Warnings left fail the run too. */
  strict: boolean;
}

export interface FixedSpec {
  spec_id: string;
  file: string;
  dry_run: boolean;
  changed: boolean;
  fixed: RawFinding[];
  patch: Operation[];
  history_seq?: number;
}

export interface FixReport {
  specs: FixedSpec[];
  /** What is left to fix by hand (with --dry-run: what the repairs would leave). */
  remaining: Finding[];
  exitCode: ExitCodeValue;
}

/** The lifecycle folder a spec file sits in, from its parent directory's name. */
function folderFromPath(file: string): SpecFolder | undefined {
  const parent = basename(dirname(file));
  return (SPEC_FOLDERS as readonly string[]).includes(parent) ? (parent as SpecFolder) : undefined;
}

const keyOf = (f: { code: string; pointer: string }): string => `${f.code} ${f.pointer}`;

export async function fixSpecs(o: FixOptions): Promise<FixReport> {
  const only = o.select === undefined ? undefined : new Set(o.select);
  const cfg = o.loc.config.config;
  const specs: FixedSpec[] = [];
  const remaining: Finding[] = [];
  let unreadable = 0;
  for (const spec of o.specs) {
    let r;
    try {
      r = await transact(
        {
          specsDir: o.loc.specsDir,
          spec,
          cwd: o.cwd,
          env: o.env,
          command: "fix",
          dryRun: o.dryRun,
          lockTimeoutMs: o.lockTimeoutMs,
          ...(cfg.journaledTypes === undefined ? {} : { journaledTypes: cfg.journaledTypes }),
          // Choosing to repair is choosing the value JSON parsers keep: the last of each key.
          collapseDuplicateKeys: only === undefined || only.has("json-duplicate-key"),
        },
        (c) => planFix(c, only),
      );
    } catch (err) {
      // One unparseable spec must not hide the repairs already saved to the others.
      if (!(err instanceof SddError) || err.exitCode !== ExitCode.unreadable || o.specs.length === 1) throw err;
      unreadable++;
      remaining.push(unreadableFinding(err, err.file ?? spec));
      continue;
    }
    // What was saved (or, with --dry-run, what would remain) is judged by validating the result.
    const shown = displayPath(r.file, o.cwd);
    const left: Finding[] = o.dryRun
      ? r.result.unfixable.map((f) => ({ ...f, file: shown }))
      : validateFile({ file: r.file, folder: folderFromPath(r.file) }, o.cwd).findings;
    remaining.push(...left);
    const leftKeys = new Set(left.map(keyOf));
    specs.push({
      spec_id: r.spec_id,
      file: r.file,
      dry_run: r.dry_run,
      changed: r.changed,
      fixed: r.result.targeted.filter((f) => !leftKeys.has(keyOf(f))),
      patch: r.patch,
      ...(r.history_seq === undefined ? {} : { history_seq: r.history_seq }),
    });
  }
  return { specs, remaining, exitCode: exitCodeFor({ unreadable, findings: remaining, strict: o.strict }) };
}
