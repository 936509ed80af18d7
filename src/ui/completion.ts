/** Shell completion scripts, generated from the command definitions so they cannot drift. */
import type { Command, Option } from "commander";

function visible(cmd: Command): Command[] {
  return cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
}

function longFlags(options: readonly Option[]): string[] {
  return options.filter((o) => !o.hidden && o.long !== undefined).map((o) => o.long as string);
}

export function completionScript(program: Command, shell: "bash" | "zsh" | "fish"): string {
  const cmds = visible(program);
  const names = cmds.map((c) => c.name());
  if (shell === "bash") {
    const cases = cmds.map((c) => {
      const subs = visible(c).map((s) => s.name());
      return `    ${c.name()}) words="${[...subs, ...longFlags(c.options)].join(" ")}" ;;`;
    });
    return `# bash completion for sdd
_sdd() {
  local cur=\${COMP_WORDS[COMP_CWORD]} words
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${names.join(" ")} --help --version"
  else
    case "\${COMP_WORDS[1]}" in
${cases.join("\n")}
      *) words="" ;;
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _sdd sdd
`;
  }
  if (shell === "zsh") {
    const lines = cmds.map((c) => `    '${c.name()}:${c.description().replace(/'/g, "'\\''").replace(/:/g, "\\:")}'`);
    const cases = cmds.map(
      (c) =>
        `    ${c.name()}) _values 'option' ${[...visible(c).map((s) => s.name()), ...longFlags(c.options)].map((f) => `'${f}'`).join(" ")} ;;`,
    );
    return `#compdef sdd
_sdd() {
  local -a commands
  commands=(
${lines.join("\n")}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
  else
    case $words[2] in
${cases.join("\n")}
    esac
  fi
}
compdef _sdd sdd
`;
  }
  const out = ["# fish completion for sdd", "complete -c sdd -f"];
  for (const c of cmds) {
    // Cut before escaping, so the cut never splits an escape and leaves the quote open.
    const description = c.description().slice(0, 80).replace(/\\/g, "\\\\").replace(/'/g, "\\'");
    out.push(`complete -c sdd -n '__fish_use_subcommand' -a '${c.name()}' -d '${description}'`);
    for (const s of visible(c)) out.push(`complete -c sdd -n '__fish_seen_subcommand_from ${c.name()}' -a '${s.name()}'`);
    for (const f of longFlags(c.options)) out.push(`complete -c sdd -n '__fish_seen_subcommand_from ${c.name()}' -l '${f.slice(2)}'`);
  }
  return out.join("\n") + "\n";
}
