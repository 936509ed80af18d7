import type { Command } from "commander";
import { summaryLine } from "../ui/findings-format.js";
import { locateSpecs } from "./_read.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

interface CiFlags extends GlobalOptions {
  strict?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("ci")
      .description(
        "the CI lint step: validate every spec, check journaling, lint work items and check the rendered log is up to date; one report",
      )
      .option("--strict", "warnings fail too"),
  ).action(async (flags: CiFlags) => {
    ctx.setGlobals(flags, ["text", "json", "github", "sarif"]);
    const loc = await locateSpecs(ctx, flags);
    const [{ runCi }, { logCiStep }] = await Promise.all([import("../core/ci/run.js"), import("../core/ci/worklog.js")]);
    const r = runCi({ loc, cwd: ctx.cwd, env: ctx.env, strict: flags.strict === true, extraSteps: [logCiStep] });
    if (ctx.format === "sarif") {
      const { toSarif } = await import("../ui/sarif.js");
      ctx.exitCode = r.exitCode;
      ctx.io.stdout(JSON.stringify(toSarif(r.findings), null, 2) + "\n");
      return;
    }
    ctx.report({
      command: "ci",
      exitCode: r.exitCode,
      payload: { steps: r.steps },
      findings: r.findings,
      summaryTitle: "sdd ci",
      text: (style) => [
        ...r.steps.map((s) => `${s.ok ? style.green("ok  ") : style.red("FAIL")} ${s.name}`),
        summaryLine(r.findings, "sdd ci"),
      ],
    });
  });
}
