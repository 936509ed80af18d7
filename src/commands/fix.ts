import { basename, dirname } from "node:path";
import type { Command } from "commander";
import { SPEC_FOLDERS, type SpecFolder } from "../core/spec/model.js";
import type { Operation } from "fast-json-patch";
import type { Finding, RawFinding } from "../core/findings.js";
import { executeMutation, formatPatch, withMutationOptions, type MutationFlags } from "./_mutation.js";
import { collect, type CliContext } from "./_shared.js";

/** The lifecycle folder a spec file sits in, from its parent directory's name. */
function folderFromPath(file: string): SpecFolder | undefined {
  const parent = basename(dirname(file));
  return (SPEC_FOLDERS as readonly string[]).includes(parent) ? (parent as SpecFolder) : undefined;
}

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
  const [{ planFix }, { validateFile }, { displayPath }, { unreadableFinding }, { SddError, ExitCode }] = await Promise.all([
    import("../core/mutations/fix.js"),
    import("../core/validate/run.js"),
    import("../core/paths.js"),
    import("../core/findings.js"),
    import("../core/errors.js"),
  ]);
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
  let unreadable = false;
  for (const spec of specs) {
    let r;
    try {
      r = await executeMutation(ctx, flags, "fix", spec, (c) => planFix(c, only), {
        // Choosing to repair is choosing the value JSON parsers keep: the last of each key.
        collapseDuplicateKeys: only === undefined || only.has("json-duplicate-key"),
      });
    } catch (err) {
      // One unparseable spec must not hide the repairs already saved to the others.
      if (!(err instanceof SddError) || err.exitCode !== ExitCode.unreadable || specs.length === 1) throw err;
      unreadable = true;
      remaining.push(unreadableFinding(err, err.file ?? spec));
      continue;
    }
    // What was saved (or, with --dry-run, what would remain) is judged by validating the result.
    const shown = displayPath(r.file, ctx.cwd);
    const left: Finding[] =
      flags.dryRun === true
        ? r.result.unfixable.map((f) => ({ ...f, file: shown }))
        : validateFile({ file: r.file, folder: folderFromPath(r.file) }, ctx.cwd).findings;
    remaining.push(...left);
    const leftKeys = new Set(left.map(keyOf));
    const fixed = r.result.targeted.filter((f) => !leftKeys.has(keyOf(f)));
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
    exitCode: unreadable ? 4 : remaining.some((f) => f.severity === "error" || (flags.strict === true && f.severity === "warning")) ? 1 : 0,
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
