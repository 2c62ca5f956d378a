/**
 * The zsh completion script (`gitseal completion zsh`): the same tables and
 * walk as the bash script (completion-bash.ts), with each command's and
 * option's description shown beside it (`_describe`). It works sourced
 * after compinit, or saved as `_gitseal` in a folder of `$fpath`.
 * (`path` is zsh's PATH array, hence `cmdpath`.)
 */
import { choiceKeys, completedCommands, valueSpellings, type CompletedCommand } from './completion-model.js';
import type { CommandNode } from './command-tree.js';
import { shellQuote } from './self-command.js';

// `_describe` reads NAME:DESCRIPTION; a colon in the name would need a backslash, and no name has one.
const described = (pairs: readonly { name: string; describe: string }[]) => `(${pairs.map((p) => shellQuote(p.describe ? `${p.name}:${p.describe}` : p.name)).join(' ')})`;
const list = (words: readonly string[]) => `(${words.map(shellQuote).join(' ')})`;

function specCase(c: CompletedCommand): string {
  const options = c.options.flatMap((o) => o.spellings.map((name) => ({ name, describe: o.describe })));
  const fields = [`cmds=${described(c.subcommands)}`, `opts=${described(options)}`, `valopts=${list(valueSpellings(c))}`, `maxpos=${c.variadic ? 'many' : c.positionals.length}`];
  return `    ${shellQuote(c.path)}) ${fields.join(' ')} ;;`;
}

const choiceCases = (c: CompletedCommand): string[] => choiceKeys(c).map(([key, choices]) => `    ${shellQuote(key)}) choices=${list(choices)} ;;`);

export function zshScript(root: CommandNode): string {
  const commands = completedCommands(root);
  return `#compdef gitseal
# gitseal completion for zsh, made by "gitseal completion zsh" from gitseal's command table.
# Load it from ~/.zshrc after compinit:   source <(gitseal completion zsh)
# or save it as _gitseal in a folder of $fpath.

# Sets cmds and opts (NAME:DESCRIPTION), valopts (options that take a value) and maxpos for the command path $1.
_gitseal_spec() {
  case $1 in
${commands.map(specCase).join('\n')}
    *) cmds=() opts=() valopts=() maxpos=0 ;;
  esac
}

# Sets choices to the choices of option $2 (or of positional #N) of the command path $1.
_gitseal_choices() {
  choices=()
  case "$1|$2" in
${commands.flatMap(choiceCases).join('\n')}
  esac
}

_gitseal() {
  local cmdpath= value= word maxpos cur=\${words[CURRENT]}
  integer i npos=0
  local -a cmds opts valopts choices names optnames
  _gitseal_spec ''
  for ((i = 2; i < CURRENT; i++)); do
    word=\${words[i]}
    if [[ -n $value ]]; then
      value=
      [[ $word == -?* ]] || continue
    fi
    case $word in
      --) _files; return ;;
      -*=*) ;;
      -?*)
        optnames=(\${opts%%:*})
        (( \${valopts[(Ie)$word]} || ! \${optnames[(Ie)$word]} )) && value=$word ;;
      *)
        names=(\${cmds%%:*})
        if (( npos == 0 && \${names[(Ie)$word]} )); then
          cmdpath=\${cmdpath:+$cmdpath }$word
          _gitseal_spec "$cmdpath"
        else
          npos+=1
        fi ;;
    esac
  done
  if [[ $cur == -?*=* ]]; then
    # --opt=VALUE: what follows the = is the option's value.
    value=\${cur%%=*}
    compset -P '*='
    _gitseal_choices "$cmdpath" "$value"
  elif [[ -n $value ]]; then
    _gitseal_choices "$cmdpath" "$value"
  elif [[ $cur == -* ]]; then
    _describe -t options option opts
    return
  elif (( npos == 0 && $#cmds )); then
    _describe -t commands command cmds
    return
  elif [[ $maxpos != many ]] && (( npos >= maxpos )); then
    _describe -t options option opts
    return
  else
    _gitseal_choices "$cmdpath" "#$npos"
  fi
  if (( $#choices )); then compadd -a choices; else _files; fi
}

if [[ $funcstack[1] == _gitseal ]]; then _gitseal "$@"; else compdef _gitseal gitseal; fi
`;
}
