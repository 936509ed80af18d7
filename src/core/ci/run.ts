/**
 * `sdd ci`: the CI lint step. Every spec validated, journaling checked, and (where the
 * project has a work-item log) work items linted and the rendered log checked, in one run
 * and one report.
 */
import type { SpecsLocation } from "../store/discovery.js";
import { ExitCode, type ExitCodeValue } from "../errors.js";
import type { Finding } from "../findings.js";
import { compareFindings } from "../findings.js";
import { runCheckJournaling } from "../journaling/check.js";
import { runValidate } from "../validate/run.js";

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
  /** Further steps (the work-item log), added by the command layer. */
  extraSteps?: ((o: CiOptions) => { step: CiStep; findings: Finding[] })[];
}

export interface CiResult {
  steps: CiStep[];
  findings: Finding[];
  exitCode: ExitCodeValue;
}

export function runCi(o: CiOptions): CiResult {
  const steps: CiStep[] = [];
  const findings: Finding[] = [];
  const v = runValidate({ cwd: o.cwd, targets: [o.loc.specsDir], strict: o.strict, env: o.env, path: o.loc.config.root });
  steps.push({ name: "validate", ok: v.exitCode === 0, exit_code: v.exitCode, summary: v.summary });
  findings.push(...v.findings);
  const j = runCheckJournaling({ loc: o.loc, specs: [], cwd: o.cwd });
  steps.push({ name: "check-journaling", ok: j.exitCode === 0, exit_code: j.exitCode, summary: j.summary });
  // Unreadable specs were already reported by validate.
  findings.push(...j.findings.filter((f) => f.code === "unjournaled"));
  for (const extra of o.extraSteps ?? []) {
    const r = extra(o);
    steps.push(r.step);
    findings.push(...r.findings);
  }
  findings.sort(compareFindings);
  const worst = steps.reduce<number>(
    (max, s) => (s.exit_code === ExitCode.unreadable ? ExitCode.unreadable : Math.max(max, s.exit_code === 0 ? 0 : ExitCode.findings)),
    0,
  );
  const failing = o.strict ? findings.some((f) => f.severity !== "info") : findings.some((f) => f.severity === "error");
  const exitCode: ExitCodeValue =
    worst === ExitCode.unreadable ? ExitCode.unreadable : failing || worst > 0 ? ExitCode.findings : ExitCode.ok;
  return { steps, findings, exitCode };
}
