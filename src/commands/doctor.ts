import type { Command } from "commander";
import { exitCodeFor } from "../core/findings.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

interface DoctorFlags extends GlobalOptions {
  fix?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("doctor")
      .description(
        "find unparseable specs, leftover temp files, stale locks, duplicate ids, broken links, and a hook or merge-driver command git cannot start; --fix repairs what it safely can",
      )
      .option("--fix", "restore unparseable specs from backups, remove temp files and stale locks"),
  ).action(async (flags: DoctorFlags) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const loc = await locateSpecs(ctx, flags);
    const { diagnoseProject } = await import("../core/doctor/project.js");
    const problems = diagnoseProject({ loc, cwd: ctx.cwd, env: ctx.env, fix: flags.fix === true });
    const open = problems.filter((p) => !p.fixed);
    ctx.report({
      command: "doctor",
      exitCode: exitCodeFor({ unmet: open.length > 0 }),
      payload: { specs_dir: loc.specsDir, problems, fixed: problems.length - open.length, remaining: open.length },
      text: (style) => [
        ...problems.flatMap((p) => [
          `${p.fixed ? style.green("fixed") : style.yellow(p.kind)} ${p.file}: ${p.message}`,
          ...(p.replayed !== undefined && p.replayed.length > 0 ? [`  replayed: ${p.replayed.map((n) => `#${n}`).join(", ")}`] : []),
          ...(p.lost ?? []).map((l) => `  lost: ${l}`),
        ]),
        problems.length === 0
          ? "no problems found"
          : `${problems.length} problem(s), ${problems.length - open.length} fixed${open.length > 0 && flags.fix !== true ? "; run sdd doctor --fix" : ""}`,
      ],
    });
  });
}
