import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { Finding } from "../../core/findings.js";
import { summaryLine } from "../../ui/findings-format.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "../_shared.js";
import { worklog } from "./_places.js";

export function register(log: Command, ctx: CliContext): void {
  withGlobalOptions(
    log
      .command("lint")
      .description("lint markdown log files in place, or (with no files) every JSON work item; stable log-* codes with line numbers")
      .argument("[files...]", "markdown log files (default: the work items)"),
  ).action(async (files: string[], flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json", "github"]);
    const { loc, places, store } = await worklog(ctx, flags);
    const [{ lintLog }, { displayPath }, { compareFindings, unreadableFinding }] = await Promise.all([
      import("../../core/worklog/index.js"),
      import("../../core/paths.js"),
      import("../../core/findings.js"),
    ]);
    const findings: Finding[] = [];
    let unreadable = 0;
    let missing = 0;
    if (files.length > 0) {
      for (const f of files) {
        const abs = resolve(ctx.cwd, f);
        const shown = displayPath(abs, ctx.cwd);
        if (!existsSync(abs)) {
          missing++;
          findings.push({ code: "file-not-found", severity: "error", message: `${shown}: no such file`, file: shown, pointer: "" });
          continue;
        }
        findings.push(
          ...lintLog(readFileSync(abs, "utf8"), {
            file: shown,
            exists: (p) => store.linkExists(places, p),
            resolveSpec: store.specResolver(loc, places, ctx.cwd),
          }),
        );
      }
    } else {
      const { items, unreadable: bad } = store.readItems(places, ctx.cwd);
      unreadable = bad.length;
      for (const b of bad) findings.push(unreadableFinding(b.error, b.file));
      findings.push(...store.lintStoredItems(loc, places, items, ctx.cwd));
    }
    findings.sort(compareFindings);
    const errors = findings.filter((f) => f.severity === "error").length;
    const exitCode = missing > 0 ? 2 : unreadable > 0 ? 4 : errors > 0 ? 1 : 0;
    ctx.report({
      command: "log lint",
      exitCode,
      payload: { files: files.length > 0 ? files : [displayPath(places.dir, ctx.cwd)] },
      findings,
      summaryTitle: "sdd log lint",
      text: () => [summaryLine(findings, files.length > 0 ? `${files.length} log file(s) linted` : "work items linted")],
    });
  });
}
