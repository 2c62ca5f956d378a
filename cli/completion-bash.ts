/**
 * The bash completion script (`gitseal completion bash`): the commands and
 * options of the table as `case` tables, and a loop that walks the words
 * typed so far as yargs-parser does: an option that takes a value, or
 * one this command does not know, takes the next word unless it starts
 * with a dash. Where it has nothing to offer (a file, an option's free
 * value, the words after `--`) it returns nothing and `complete -o default`
 * lets readline complete file names.
 */
import { allSpellings, choiceKeys, completedCommands, valueSpellings, type CompletedCommand } from './completion-model.js';
import type { CommandNode } from './command-tree.js';
import { shellQuote } from './self-command.js';

const words = (list: readonly string[]) => shellQuote(list.join(' '));

function specCase(c: CompletedCommand): string {
  const max = c.variadic ? 'many' : String(c.positionals.length);
  const fields = [
    `cmds=${words(c.subcommands.map((s) => s.name))}`,
    `opts=${words(allSpellings(c))}`,
    `valopts=${words(valueSpellings(c))}`,
    `maxpos=${max}`,
  ];
  return `    ${shellQuote(c.path)}) ${fields.join(' ')} ;;`;
}

const choiceCases = (c: CompletedCommand): string[] => choiceKeys(c).map(([key, choices]) => `    ${shellQuote(key)}) words=${words(choices)} ;;`);

export function bashScript(root: CommandNode): string {
  const commands = completedCommands(root);
  return `# gitseal completion for bash, made by "gitseal completion bash" from gitseal's command table.
# Load it from ~/.bashrc:   source <(gitseal completion bash)

# Sets cmds, opts, valopts (options that take a value) and maxpos for the command path $1.
_gitseal_spec() {
  case $1 in
${commands.map(specCase).join('\n')}
    *) cmds= opts= valopts= maxpos=0 ;;
  esac
}

# Sets words to the choices of option $2 (or of positional #N) of the command path $1.
_gitseal_choices() {
  words=
  case "$1|$2" in
${commands.flatMap(choiceCases).join('\n')}
  esac
}

_gitseal() {
  local cur=\${COMP_WORDS[COMP_CWORD]} path= value= npos=0 i word cmds opts valopts maxpos words
  COMPREPLY=()
  _gitseal_spec ''
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if [[ -n $value ]]; then
      value=
      [[ $word == -?* ]] || continue
    fi
    case $word in
      --) return 0 ;;
      -*=*) ;;
      -?*) [[ " $valopts " == *" $word "* || " $opts " != *" $word "* ]] && value=$word ;;
      *)
        if ((npos == 0)) && [[ " $cmds " == *" $word "* ]]; then
          path=\${path:+$path }$word
          _gitseal_spec "$path"
        else
          ((npos++))
        fi ;;
    esac
  done
  if [[ -n $value ]]; then
    _gitseal_choices "$path" "$value"
  elif [[ $cur == -* ]]; then
    words=$opts
  elif ((npos == 0)) && [[ -n $cmds ]]; then
    words=$cmds
  elif [[ $maxpos != many ]] && ((npos >= maxpos)); then
    words=$opts
  else
    _gitseal_choices "$path" "#$npos"
  fi
  [[ -n $words ]] && COMPREPLY=($(compgen -W "$words" -- "$cur"))
  return 0
}

complete -o default -F _gitseal gitseal
`;
}
