/** The claims step of `sdd ci`: a task completed by an agent other than its live claim holder. */
import { now } from "../clock.js";
import type { SpecsLocation } from "../store/discovery.js";
import type { Finding } from "../findings.js";
import { openSpecs } from "../store/spec-set.js";
import { claimMismatchFindings } from "../mutations/claims.js";
import { gitCommonDir } from "./git.js";
import { readLedger } from "./ledger.js";

export function checkClaims(o: { loc: SpecsLocation; cwd: string; env: NodeJS.ProcessEnv }): {
  findings: Finding[];
  summary: { specs: number; mismatched: number };
} {
  const nowMs = now(o.env).getTime();
  const ledger = readLedger(gitCommonDir(o.loc.specsDir, o.env));
  const { specs } = openSpecs(o.loc, [], o.cwd);
  const findings: Finding[] = [];
  for (const s of specs) {
    for (const f of claimMismatchFindings(s.loaded.value, ledger.heldFor(s.ref.id, nowMs), nowMs)) {
      const pos = s.loaded.source.locate(f.pointer);
      findings.push({ ...f, file: s.shown, line: pos.line, column: pos.column, spec_id: s.ref.id });
    }
  }
  return { findings, summary: { specs: specs.length, mismatched: findings.length } };
}
