import type { Command } from "commander";
import type { Operation } from "fast-json-patch";
import type { Finding, RawFinding } from "../core/findings.js";
import { executeMutation, formatPatch, withMutationOptions, type MutationFlags } from "./_mutation.js";
import type { CliContext } from "./_shared.js";

interface FixFlags extends MutationFlags {
  select?: string[];
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("fix")
      .description("apply the repair for each reported finding that has a safe one (docs/rules.md); --dry-run shows the JSON Patch")
      .argument("<spec>", "spec id or file")
      .option("--select <code>", "only repair findings with this code (repeatable)", collect),
  ).action(async (spec: string, flags: FixFlags) => {
    await runFix(ctx, [spec], flags);
  });
}

/** Shared by `fix` and `validate --fix`: one report for every spec repaired. */
export async function runFix(ctx: CliContext, specs: string[], flags: FixFlags): Promise<void> {
  const [{ planFix }, { validateFile }] = await Promise.all([import("../core/fix.js"), import("../core/validate/run.js")]);
  const only = flags.select === undefined ? undefined : new Set(flags.select);
  const keyOf = (f: { code: string; pointer: string }): string => `${f.code} ${f.pointer}`;
  const results: {
    spec_id: string;
    file: string;
    dry_run: boolean;
    changed: boolean;
    fixed: RawFinding[];
    patch: Operation[];
    history_seq?: number;
  }[] = [];
  const remaining: Finding[] = [];
  for (const spec of specs) {
    const r = await executeMutation(ctx, flags, "fix", spec, (c) => planFix(c, only));
    // What was saved is judged by validating the file as written, not by the plan.
    const left = flags.dryRun === true ? [] : validateFile({ file: r.file, folder: undefined }, ctx.cwd).findings;
    remaining.push(...left);
    const leftKeys = new Set(left.map(keyOf));
    const fixed = r.result.targeted.filter((f) => flags.dryRun === true || !leftKeys.has(keyOf(f)));
    results.push({
      spec_id: r.spec_id,
      file: r.file,
      dry_run: r.dry_run,
      changed: r.changed,
      fixed,
      patch: r.patch,
      ...(r.history_seq === undefined ? {} : { history_seq: r.history_seq }),
    });
  }
  ctx.report({
    command: "fix",
    exitCode: remaining.some((f) => f.severity === "error") ? 1 : 0,
    payload: { specs: results },
    findings: remaining,
    text: (style) => {
      const lines: string[] = [];
      for (const r of results) {
        lines.push(
          r.dry_run
            ? `dry run: ${r.spec_id}: ${r.fixed.length} finding(s) would be repaired with ${r.patch.length} operation(s):`
            : r.changed
              ? `${r.spec_id}: repaired ${r.fixed.length} finding(s); saved ${r.patch.length} operation(s) to ${r.file}`
              : `${r.spec_id}: nothing to repair`,
        );
        if (r.dry_run) lines.push(...formatPatch(r.patch, style));
        for (const f of r.fixed) lines.push(`  fixed ${f.pointer || "/"}: ${f.message} [${f.code}]`);
      }
      if (remaining.length > 0) lines.push(`${remaining.length} finding(s) remain; they need a hand fix (see docs/rules.md)`);
      return lines;
    },
  });
}
