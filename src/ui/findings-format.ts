/** Human and GitHub renderings of findings. */
import { appendFileSync } from "node:fs";
import type { Finding } from "../core/findings.js";
import { countFindings } from "./envelope.js";
import type { Style } from "./style.js";

export function findingLocation(f: Finding): string {
  return f.line === undefined ? f.file : `${f.file}:${f.line}:${f.column ?? 1}`;
}

export function formatFindingsText(findings: readonly Finding[], style: Style): string[] {
  return findings.map((f) => {
    const sev = f.severity === "error" ? style.red("error") : f.severity === "warning" ? style.yellow("warning") : style.dim("info");
    return `${findingLocation(f)}: ${sev} ${f.message} ${style.dim(`[${f.code}]`)}`;
  });
}

export function summaryLine(findings: readonly Finding[], scope: string): string {
  const { errors, warnings } = countFindings(findings);
  if (errors === 0 && warnings === 0) return `${scope}: no problems found`;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? "" : "s"}`;
  return `${scope}: ${plural(errors, "error")}, ${plural(warnings, "warning")}`;
}

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** GitHub workflow commands: one annotation per finding. */
export function formatGithub(findings: readonly Finding[]): string[] {
  return findings.map((f) => {
    const level = f.severity === "error" ? "error" : f.severity === "warning" ? "warning" : "notice";
    const props = [`file=${escapeProperty(f.file)}`];
    if (f.line !== undefined) props.push(`line=${f.line}`, `col=${f.column ?? 1}`);
    props.push(`title=${escapeProperty(f.code)}`);
    return `::${level} ${props.join(",")}::${escapeData(f.message)}`;
  });
}

/** Append a markdown summary to $GITHUB_STEP_SUMMARY when GitHub provides one. */
export function writeStepSummary(title: string, findings: readonly Finding[], env: NodeJS.ProcessEnv = process.env): void {
  const target = env.GITHUB_STEP_SUMMARY;
  if (target === undefined || target === "") return;
  const { errors, warnings } = countFindings(findings);
  const lines = [`## ${title}`, "", errors + warnings === 0 ? "No problems found." : `${errors} error(s), ${warnings} warning(s).`, ""];
  if (findings.length > 0) {
    lines.push("| Location | Severity | Code | Message |", "| --- | --- | --- | --- |");
    for (const f of findings)
      lines.push(`| \`${findingLocation(f)}\` | ${f.severity} | \`${f.code}\` | ${f.message.replace(/\|/g, "\\|")} |`);
    lines.push("");
  }
  appendFileSync(target, lines.join("\n") + "\n");
}
