import { Argument, type Command } from "commander";
import { ExitCode } from "../core/errors.js";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("completion")
      .description(
        "print a shell completion script (e.g. sdd completion bash > /etc/bash_completion.d/sdd); it completes commands, options, and the project's spec and task ids",
      )
      .addArgument(new Argument("<shell>", "the shell").choices(["bash", "zsh", "fish"])),
    { specs: false },
  ).action(async (shell: "bash" | "zsh" | "fish", flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const { completionScript } = await import("../ui/completion.js");
    const root = program;
    const script = completionScript(root, shell);
    ctx.report({ command: "completion", exitCode: ExitCode.ok, payload: { shell, script }, text: () => [script.trimEnd()] });
  });

  // What the scripts call on TAB: the candidates for the last word, one per line. Hidden:
  // it is the scripts' interface, not the user's.
  program
    .command("__complete", { hidden: true })
    .argument("[words...]")
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      const [{ completionCandidates }, { findSpecsDir, listSpecFiles, resolveSpec }, { readJsonFile }] = await Promise.all([
        import("../ui/completion.js"),
        import("../core/store/discovery.js"),
        import("../core/store/spec-file.js"),
      ]);
      const specsDir = (where: { specsDir?: string; path?: string }): string =>
        findSpecsDir({ cwd: ctx.cwd, specsDir: where.specsDir, path: where.path, env: ctx.env }).specsDir;
      const candidates = completionCandidates(program, words, {
        specIds: (where) =>
          listSpecFiles(specsDir(where))
            .map((r) => r.id)
            .sort(),
        nodeIds: (spec, where) => {
          const value = readJsonFile(resolveSpec(spec, specsDir(where), ctx.cwd).file).value as { hierarchy?: object } | undefined;
          return value?.hierarchy !== undefined && typeof value.hierarchy === "object" ? Object.keys(value.hierarchy) : [];
        },
      });
      for (const c of candidates) ctx.io.stdout(c + "\n");
    });
}
