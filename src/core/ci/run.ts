/**
 * `sdd ci`: the CI lint step. Every spec validated, journaling checked, and (where the
 * project has a work-item log) work items linted and the rendered log checked, in one run
 * and one report.
 */
import type { SpecsLocation } from "../store/discovery.js";
import { readingOnce } from "../store/spec-file.js";
import { ExitCode, type ExitCodeValue } from "../errors.js";
import type { Finding } from "../findings.js";
import { compareFindings, exitCodeFor } from "../findings.js";
import { runCheckJournaling } from "../journaling/check.js";
import { applyRuleConfig, runValidate } from "../validate/run.js";
import { checkClaims } from "../claims/check.js";

export interface CiStep {
  name: string;
  ok: boolean;
  exit_code: number;
  summary: Record<string, unknown>;
}

export interface CiOptions {
  loc: SpecsLocation;
  cwd: string;
  env: NodeJS.ProcessEnv;
  strict: boolean;
  /** Called as specs are validated (files done, of total). */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Further steps (the work-item log), added by the command layer. */
  extraSteps?: ((o: CiOptions) => { step: CiStep; findings: Finding[] })[];
}

export interface CiResult {
  steps: CiStep[];
  findings: Finding[];
  exitCode: ExitCodeValue;
}

/** Every step reads the same spec files: each is read and parsed once for the whole run. */
export function runCi(o: CiOptions): CiResult {
  return readingOnce(o.env, () => runSteps(o));
}

function runSteps(o: CiOptions): CiResult {
  const steps: CiStep[] = [];
  const findings: Finding[] = [];
  const v = runValidate({
    cwd: o.cwd,
    targets: [o.loc.specsDir],
    strict: o.strict,
    env: o.env,
    path: o.loc.config.root,
    onProgress: o.onProgress,
    // The later steps read the same files: what this thread validates, it has read for them.
    shareThread: true,
  });
  steps.push({ name: "validate", ok: v.exitCode === 0, exit_code: v.exitCode, summary: v.summary });
  findings.push(...v.findings);
  const j = runCheckJournaling({ loc: o.loc, specs: [], cwd: o.cwd });
  // Unreadable specs were already reported by validate.
  const unjournaled = applyRuleConfig(
    j.findings.filter((f) => f.code === "unjournaled"),
    o.loc.config.config.rules,
  );
  const jExit = exitCodeFor({ unreadable: j.exitCode === ExitCode.unreadable ? 1 : 0, findings: unjournaled });
  steps.push({ name: "check-journaling", ok: jExit === 0, exit_code: jExit, summary: j.summary });
  findings.push(...unjournaled);
  const c = checkClaims({ loc: o.loc, cwd: o.cwd, env: o.env });
  steps.push({
    name: "claims",
    ok: c.findings.length === 0,
    exit_code: exitCodeFor({ unmet: c.findings.length > 0 }),
    summary: c.summary,
  });
  findings.push(...c.findings);
  for (const extra of o.extraSteps ?? []) {
    const r = extra(o);
    steps.push(r.step);
    findings.push(...r.findings);
  }
  findings.sort(compareFindings);
  // A step that could not read a file outranks findings; any other failing step fails the run.
  const exitCode = exitCodeFor({
    unreadable: steps.filter((s) => s.exit_code === ExitCode.unreadable).length,
    unmet: steps.some((s) => s.exit_code !== ExitCode.ok),
    findings,
    strict: o.strict,
  });
  return { steps, findings, exitCode };
}
