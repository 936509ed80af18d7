import type { Command } from "commander";
import { formatPatch, withMutationOptions, type MutationFlags } from "./_mutation.js";
import { locateSpecs } from "./_read.js";
import { collect, type CliContext } from "./_shared.js";

interface FixFlags extends MutationFlags {
  strict?: boolean;
  select?: string[];
  preview?: boolean;
  backup?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  withMutationOptions(
    program
      .command("fix")
      .description("apply the repair for each reported finding that has a safe one (docs/rules.md); --dry-run shows the JSON Patch")
      .argument("<spec>", "spec id or file")
      .option("--select <code>", "only repair findings with this code (repeatable)", collect)
      .option("--preview", "same as --dry-run (the Python tool's name)")
      .option("--no-backup", "accepted for compatibility, no effect: every write keeps a backup"),
  ).action(async (spec: string, flags: FixFlags) => {
    if (flags.preview === true) flags.dryRun = true;
    if (flags.backup === false) ctx.notice("--no-backup has no effect: every write keeps a backup (sdd history, sdd undo)");
    await runFix(ctx, [spec], flags);
  });
}

/** Shared by `fix` and `validate --fix`: one report for every spec repaired. */
export async function runFix(ctx: CliContext, specs: string[], flags: FixFlags): Promise<void> {
  ctx.setGlobals(flags, ["text", "json"]);
  const loc = await locateSpecs(ctx, flags);
  const [{ fixSpecs }, { parseLockTimeout }] = await Promise.all([import("../core/validate/fix.js"), import("../core/store/lock.js")]);
  const r = await fixSpecs({
    loc,
    cwd: ctx.cwd,
    env: ctx.env,
    specs,
    dryRun: flags.dryRun === true,
    lockTimeoutMs: parseLockTimeout(flags.lockTimeout, loc.config.config.lockTimeoutMs),
    strict: flags.strict === true,
    ...(flags.select === undefined ? {} : { select: flags.select }),
  });
  const { specs: results, remaining } = r;
  ctx.report({
    command: "fix",
    exitCode: r.exitCode,
    payload: { specs: results },
    findings: remaining,
    text: (style) => {
      const lines: string[] = [];
      for (const s of results) {
        lines.push(
          s.dry_run
            ? `dry run: ${s.spec_id}: ${s.fixed.length} finding(s) would be repaired with ${s.patch.length} operation(s):`
            : s.changed
              ? `${s.spec_id}: repaired ${s.fixed.length} finding(s); saved ${s.patch.length} operation(s) to ${s.file}`
              : `${s.spec_id}: nothing to repair`,
        );
        if (s.dry_run) lines.push(...formatPatch(s.patch, style));
        for (const f of s.fixed) lines.push(`  fixed ${f.pointer || "/"}: ${f.message} [${f.code}]`);
      }
      if (remaining.length > 0) lines.push(`${remaining.length} finding(s) remain; they need a hand fix (see docs/rules.md)`);
      return lines;
    },
  });
}
