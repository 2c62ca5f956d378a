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
  local cur=\${COMP_WORDS[COMP_CWORD]} path= value= prefix= npos=0 i word cmds opts valopts maxpos words
  COMPREPLY=()
  _gitseal_spec ''
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    # A=B is three words when COMP_WORDBREAKS has = (the default): the = and B belong to A. After an
    # option, B is its value, whatever it looks like.
    if [[ $word == = ]]; then
      [[ \${COMP_WORDS[i-1]} == -?* ]] && value=\${COMP_WORDS[i-1]}
      ((i + 1 < COMP_CWORD)) && value= && ((i++))
      continue
    fi
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
  # The value right after --opt=: bash completes the text after the = (COMP_WORDBREAKS has =); without
  # it, the whole word, so the answers keep the --opt= in front.
  if [[ $cur == = && \${COMP_WORDS[COMP_CWORD-1]} == -?* ]]; then
    value=\${COMP_WORDS[COMP_CWORD-1]} cur=
  elif [[ $cur == -?*=* ]]; then
    value=\${cur%%=*} prefix=\${cur%%=*}= cur=\${cur#*=}
  fi
  if [[ -n $value ]]; then
    _gitseal_choices "$path" "$value"
    # No choices: a file, which readline completes only after a = it breaks words at.
    if [[ -z $words && -n $prefix && " $valopts " == *" $value "* ]]; then
      _gitseal_files "$prefix" "$cur"
      return 0
    fi
  elif [[ $cur == -* ]]; then
    words=$opts
  elif ((npos == 0)) && [[ -n $cmds ]]; then
    words=$cmds
  elif [[ $maxpos != many ]] && ((npos >= maxpos)); then
    words=$opts
  else
    _gitseal_choices "$path" "#$npos"
  fi
  [[ -n $words ]] && COMPREPLY=($(compgen -P "$prefix" -W "$words" -- "$cur"))
  return 0
}

# Sets COMPREPLY to the files and folders (with a /) that start with $2, each after $1.
_gitseal_files() {
  local f
  while IFS= read -r f; do
    [[ -d $f ]] && f+=/
    COMPREPLY+=("$1$f")
  done < <(compgen -f -- "$2")
  # A folder is not the end of the word.
  [[ \${#COMPREPLY[@]} == 1 && \${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null
}

complete -o default -F _gitseal gitseal
`;
}
