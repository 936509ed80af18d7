/**
 * Shell completion: scripts generated from the command definitions so they cannot drift,
 * which complete command names and options themselves and ask `sdd __complete` for the
 * rest (subcommands, choices, and the spec and task ids of the project at hand).
 */
import type { Argument, Command, Option } from "commander";

/** The name of the hidden command the scripts call for candidates. */
export const COMPLETE_COMMAND = "__complete";

/** What completion reads from the project: spec ids, and the node ids of one spec. */
export interface CompletionLookup {
  specIds(where: { specsDir?: string; path?: string }): string[];
  nodeIds(spec: string, where: { specsDir?: string; path?: string }): string[];
}

/** Arguments completed with spec ids, and with the node ids of the spec argument. */
const SPEC_ARGS = new Set(["spec", "specs"]);
const NODE_ARGS = new Set(["task", "parent", "node"]);

const takesValue = (o: Option): boolean => o.required || o.optional;

/**
 * The candidates for the last of `words` (the words after `sdd`, the last one being the word
 * under the cursor, possibly empty), filtered by it. Never throws: a project that cannot be
 * read just offers nothing.
 */
export function completionCandidates(program: Command, words: readonly string[], lookup: CompletionLookup): string[] {
  const current = words.at(-1) ?? "";
  const before = words.slice(0, -1);
  let cmd: Command = program;
  const positionals: string[] = [];
  const where: { specsDir?: string; path?: string } = {};
  let pending: Option | undefined;
  for (const w of before) {
    if (pending !== undefined) {
      if (pending.long === "--specs-dir") where.specsDir = w;
      if (pending.long === "--path") where.path = w;
      pending = undefined;
      continue;
    }
    if (w.startsWith("-")) {
      const name = w.includes("=") ? w.slice(0, w.indexOf("=")) : w;
      const o = cmd.options.find((x) => x.long === name || x.short === name);
      if (o !== undefined && takesValue(o) && !w.includes("=")) pending = o;
      else if (o !== undefined && w.includes("=")) {
        if (o.long === "--specs-dir") where.specsDir = w.slice(w.indexOf("=") + 1);
        if (o.long === "--path") where.path = w.slice(w.indexOf("=") + 1);
      }
      continue;
    }
    const sub = positionals.length === 0 ? visible(cmd).find((c) => c.name() === w) : undefined;
    if (sub !== undefined) {
      cmd = sub;
      continue;
    }
    positionals.push(w);
  }
  const starting = (xs: readonly string[]): string[] => [...new Set(xs)].filter((x) => x.startsWith(current));
  if (pending !== undefined) return starting(pending.argChoices ?? []);
  if (current.startsWith("-")) return starting([...longFlags(cmd.options), "--help"]);
  if (cmd.commands.length > 0 && positionals.length === 0) return starting(visible(cmd).map((c) => c.name()));
  const args: readonly Argument[] = cmd.registeredArguments;
  const last = args.at(-1);
  const arg = args[positionals.length] ?? (last?.variadic === true ? last : undefined);
  if (arg === undefined) return [];
  if (arg.argChoices !== undefined) return starting(arg.argChoices);
  try {
    if (SPEC_ARGS.has(arg.name())) return starting(lookup.specIds(where));
    if (NODE_ARGS.has(arg.name())) {
      const specAt = args.findIndex((a) => SPEC_ARGS.has(a.name()));
      const spec = specAt === -1 ? undefined : positionals[specAt];
      return spec === undefined ? [] : starting(lookup.nodeIds(spec, where));
    }
  } catch {
    return [];
  }
  return [];
}

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
  elif [[ "$cur" != -* ]]; then
    # Subcommands, choices, spec and task ids: sdd knows them (the project's specs).
    local IFS=$'\\n'
    COMPREPLY=($("\${COMP_WORDS[0]}" ${COMPLETE_COMMAND} -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
    return
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
  elif [[ $words[CURRENT] != -* ]]; then
    local -a candidates
    candidates=(\${(f)"$($words[1] ${COMPLETE_COMMAND} -- \${words[2,CURRENT]} 2>/dev/null)"})
    compadd -- $candidates
  else
    case $words[2] in
${cases.join("\n")}
    esac
  fi
}
compdef _sdd sdd
`;
  }
  const out = [
    "# fish completion for sdd",
    "complete -c sdd -f",
    "function __sdd_complete",
    "  set -l tokens (commandline -opc) (commandline -ct)",
    `  $tokens[1] ${COMPLETE_COMMAND} -- $tokens[2..-1] 2>/dev/null`,
    "end",
    "complete -c sdd -n 'not __fish_use_subcommand; and not string match -q -- \"-*\" (commandline -ct)' -a '(__sdd_complete)'",
  ];
  for (const c of cmds) {
    // Cut before escaping, so the cut never splits an escape and leaves the quote open.
    const description = c.description().slice(0, 80).replace(/\\/g, "\\\\").replace(/'/g, "\\'");
    out.push(`complete -c sdd -n '__fish_use_subcommand' -a '${c.name()}' -d '${description}'`);
    for (const s of visible(c)) out.push(`complete -c sdd -n '__fish_seen_subcommand_from ${c.name()}' -a '${s.name()}'`);
    for (const f of longFlags(c.options)) out.push(`complete -c sdd -n '__fish_seen_subcommand_from ${c.name()}' -l '${f.slice(2)}'`);
  }
  return out.join("\n") + "\n";
}
