import { Argument, type Command } from "commander";
import { withGlobalOptions, type CliContext, type GlobalOptions } from "./_shared.js";

export function register(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command("completion")
      .description("print a shell completion script (e.g. sdd completion bash > /etc/bash_completion.d/sdd)")
      .addArgument(new Argument("<shell>", "the shell").choices(["bash", "zsh", "fish"])),
  ).action(async (shell: "bash" | "zsh" | "fish", flags: GlobalOptions) => {
    ctx.setGlobals(flags, ["text", "json"]);
    const { completionScript } = await import("../ui/completion.js");
    const root = program;
    const script = completionScript(root, shell);
    ctx.report({ command: "completion", exitCode: 0, payload: { shell, script }, text: () => [script.trimEnd()] });
  });
}
