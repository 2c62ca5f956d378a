/**
 * The fish completion script (`gitseal completion fish`): one `complete`
 * line per command, option and choice of the table, each under a condition
 * (`__gitseal_at PATH [N]`) that walks the words typed so far the way the
 * bash script (completion-bash.ts) does. fish itself completes an option's value (`-r` for a
 * file, `-x -a` for choices) and offers files unless a matching line says
 * `-f`.
 */
import { allSpellings, completedCommands, valueSpellings, type CompletedCommand, type CompletedOption } from './completion-model.js';
import type { CommandNode } from './command-tree.js';

/** fish's single quotes: only \\ and \' are escapes. */
const fishQuote = (s: string) => `'${s.replace(/[\\']/g, '\\$&')}'`;
const list = (words: readonly string[]) => words.map(fishQuote).join(' ');
const at = (path: string, position?: number) => fishQuote(`__gitseal_at ${fishQuote(path)}${position === undefined ? '' : ` ${position}`}`);
const description = (text: string) => (text ? ` -d ${fishQuote(text)}` : '');

function specCase(c: CompletedCommand): string {
  return [
    `        case ${fishQuote(c.path)}`,
    `            set __gitseal_cmds ${list(c.subcommands.map((s) => s.name))}`,
    `            set __gitseal_opts ${list(allSpellings(c))}`,
    `            set __gitseal_valopts ${list(valueSpellings(c))}`,
  ].join('\n');
}

/** `o` for the commands where `condition` holds. */
function optionLine(condition: string, o: CompletedOption): string {
  const names = o.spellings.map((s) => (s.startsWith('--') ? `-l ${fishQuote(s.slice(2))}` : `-s ${fishQuote(s.slice(1))}`)).join(' ');
  const value = !o.takesValue ? '' : o.choices.length ? ` -x -a ${fishQuote(o.choices.join(' '))}` : ' -r';
  return `complete -c gitseal -n ${condition} ${names}${value}${description(o.describe)}`;
}

const same = (a: CompletedOption) => (b: CompletedOption) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The options every command has, the same everywhere (--help, --version): one line each, for any command,
 * rather than one per command. fish asks every line's condition at each completion.
 */
const everywhere = (commands: readonly CompletedCommand[]): CompletedOption[] => commands[0]?.options.filter((o) => commands.every((c) => c.options.some(same(o)))) ?? [];

function completeLines(c: CompletedCommand, shared: readonly CompletedOption[]): string[] {
  const commands = c.subcommands.map((s) => `complete -c gitseal -n ${at(c.path, 0)} -f -a ${fishQuote(s.name)}${description(s.describe)}`);
  const choices = c.positionals.flatMap((p, i) => (p.length ? [`complete -c gitseal -n ${at(c.path, i)} -f -a ${fishQuote(p.join(' '))}`] : []));
  // Nothing but options comes next: no files.
  const closed = c.positionals.length === 0 ? [`complete -c gitseal -n ${at(c.path, 0)} -f`] : [];
  const own = c.options.filter((o) => !shared.some(same(o)));
  return [...commands, ...choices, ...closed, ...own.map((o) => optionLine(at(c.path), o))];
}

export function fishScript(root: CommandNode): string {
  const commands = completedCommands(root);
  const shared = everywhere(commands);
  return `# gitseal completion for fish, made by "gitseal completion fish" from gitseal's command table.
# Load it:   gitseal completion fish > ~/.config/fish/completions/gitseal.fish

# Sets the subcommands, the options and those that take a value of the command path $argv[1].
function __gitseal_spec
    set -g __gitseal_cmds
    set -g __gitseal_opts
    set -g __gitseal_valopts
    switch $argv[1]
${commands.map(specCase).join('\n')}
    end
end

# Walks the words before the cursor: sets __gitseal_path, __gitseal_npos (positionals after it)
# and __gitseal_value (1 while an option waits for its value); fails after --. Every line below
# asks, so the answer is kept for as long as the words are the same.
function __gitseal_walk
    set -l words (commandline -opc)
    set -l key (string escape -- $words)
    if test "$key" = "$__gitseal_walked"
        return $__gitseal_status
    end
    set -g __gitseal_walked "$key"
    set -g __gitseal_status 1
    set -g __gitseal_path ''
    set -g __gitseal_npos 0
    set -g __gitseal_value 0
    __gitseal_spec ''
    for word in $words[2..-1]
        if test $__gitseal_value = 1
            set __gitseal_value 0
            string match -q -- '-?*' $word; or continue
        end
        switch $word
            case --
                return 1
            case '-*=*'
            case '-?*'
                if contains -- $word $__gitseal_valopts; or not contains -- $word $__gitseal_opts
                    set __gitseal_value 1
                end
            case '*'
                if test $__gitseal_npos = 0; and contains -- $word $__gitseal_cmds
                    set __gitseal_path $__gitseal_path$word
                    __gitseal_spec $__gitseal_path
                    set __gitseal_path "$__gitseal_path "
                else
                    set __gitseal_npos (math $__gitseal_npos + 1)
                end
        end
    end
    set __gitseal_path (string trim -r -- "$__gitseal_path")
    set __gitseal_status 0
end

# True after the command path $argv[1]; with $argv[2], only at that positional (not at an option's value).
function __gitseal_at
    __gitseal_walk; or return 1
    test "$__gitseal_path" = "$argv[1]"; or return 1
    test (count $argv) -lt 2; and return 0
    test $__gitseal_value = 0; and test $__gitseal_npos = $argv[2]
end

complete -c gitseal -e
${shared.map((o) => optionLine('__gitseal_walk', o)).join('\n')}
${commands.flatMap((c) => completeLines(c, shared)).join('\n')}
`;
}
