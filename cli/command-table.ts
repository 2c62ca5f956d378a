/**
 * The `gitseal` command table. Each command declares its own options
 * (cli/commands/*.command.ts); its implementation is imported only when it
 * runs, which keeps start-up fast.
 */
import yargs, { type Argv } from 'yargs';
import { GitsealError } from '../core/errors.js';
import { defineGroup, loadAndRun, registerAll, type Runner, type TableEntry } from './command.js';
import { commandNames, readCommandTree, type CommandNode, type CommandTable } from './command-tree.js';
import { auditVerifyCommand } from './commands/audit-verify.command.js';
import { completionCommand } from './commands/completion.command.js';
import { controllerCommand } from './commands/controller.command.js';
import { decryptCommand } from './commands/decrypt.command.js';
import { diffCommand } from './commands/diff.command.js';
import { editCommand } from './commands/edit.command.js';
import { encryptCommand } from './commands/encrypt.command.js';
import { execEnvCommand } from './commands/exec-env.command.js';
import { execFileCommand } from './commands/exec-file.command.js';
import { exportSopsCommand } from './commands/export-sops.command.js';
import { gitMergeCommand } from './commands/git-merge.command.js';
import { gitPreCommitCommand } from './commands/git-pre-commit.command.js';
import { gitSetupCommand } from './commands/git-setup.command.js';
import { gitTextconvCommand } from './commands/git-textconv.command.js';
import { helpCommand } from './commands/help.command.js';
import { importSealedSecretsCommand } from './commands/import-sealed-secrets.command.js';
import { importSopsCommand } from './commands/import-sops.command.js';
import { initCommand } from './commands/init.command.js';
import { keygenCommand } from './commands/keygen.command.js';
import { keysCommand } from './commands/keys.command.js';
import { recipientCommand } from './commands/recipient.command.js';
import { policyCheckCommand } from './commands/policy-check.command.js';
import { rotateCommand } from './commands/rotate.command.js';
import { serveCommand } from './commands/serve.command.js';
import { setCommand } from './commands/set.command.js';
import { signCommand } from './commands/sign.command.js';
import { trustCommand } from './commands/trust.command.js';
import { unsetCommand } from './commands/unset.command.js';
import { updatekeysCommand } from './commands/updatekeys.command.js';
import { verifyCommand } from './commands/verify.command.js';
import { VERSION } from './version.js';
import { setFollowSymlinks } from './files.js';
import { chooseConfig } from './config.js';
import { groupCommands, type TaskHeading } from './help-groups.js';
import { HELP_TOPICS } from './help-topics.js';
import { usageMistake } from './usage-mistake.js';
import { refuseLostDash } from './lost-dash.js';
import { refuseHelpAsValue } from './help-word.js';

/** A heading of `gitseal --help` and the commands under it, in the order it lists them. */
interface Task {
  readonly title: string;
  readonly commands: readonly TableEntry[];
}

// Function declarations: the table reads itself back only once it exists.
const SELF: CommandTable = { tree: commandTree, help: helpText };

// The table of `gitseal --help`, the README's command table (test/cli-help.test.ts compares them) and completion.
const TASKS: readonly Task[] = [
  { title: 'Encrypt and edit', commands: [encryptCommand, editCommand, setCommand, unsetCommand, updatekeysCommand, rotateCommand] },
  { title: 'Read', commands: [decryptCommand, execEnvCommand, execFileCommand] },
  {
    title: 'Review and git',
    commands: [
      verifyCommand,
      diffCommand,
      defineGroup({
        command: 'git',
        describe: 'git integration: setup, and the drivers git calls',
        subcommands: [gitSetupCommand, gitTextconvCommand, gitMergeCommand, gitPreCommitCommand],
        demand: 'name a git subcommand: setup, textconv, merge or pre-commit',
      }),
    ],
  },
  { title: 'Keys and trust', commands: [keygenCommand, initCommand, trustCommand, signCommand] },
  {
    title: 'Migrate',
    commands: [
      defineGroup({
        command: 'import',
        describe: 'convert secrets kept by other tools into gitseal files',
        subcommands: [importSealedSecretsCommand, importSopsCommand],
        demand: 'name an import subcommand: sops or sealed-secrets',
      }),
      defineGroup({ command: 'export', describe: "write a gitseal file in another tool's format", subcommands: [exportSopsCommand], demand: 'name an export subcommand: sops' }),
    ],
  },
  {
    title: 'Cluster and service',
    commands: [
      serveCommand,
      controllerCommand,
      keysCommand,
      recipientCommand,
      defineGroup({ command: 'policy', describe: 'the rewrap service policy', subcommands: [policyCheckCommand], demand: 'name a policy subcommand: check' }),
      defineGroup({ command: 'audit', describe: 'the rewrap service audit log', subcommands: [auditVerifyCommand], demand: 'name an audit subcommand: verify' }),
    ],
  },
  { title: 'Help and completion', commands: [helpCommand(SELF), completionCommand(SELF)] },
];

/** Every command, in the order `gitseal --help` lists them. */
const COMMANDS: readonly TableEntry[] = TASKS.flatMap((t) => t.commands);

// Runs nothing: for reading the table back.
const noRun: Runner = async () => {};

let tree: CommandNode | undefined;

/** The table as data (cli/command-tree.ts), read back from the parser once. */
export function commandTree(): CommandNode {
  tree ??= readCommandTree(buildCli([], noRun));
  return tree;
}

let headings: TaskHeading[] | undefined;

function taskHeadings(): TaskHeading[] {
  headings ??= TASKS.map((t) => ({ title: t.title, names: commandNames(registerAll(yargs([]), t.commands, noRun)) }));
  return headings;
}

/** The parser for `args`; `runner` runs the command they name (tests pass one that only records it). */
export function buildCli(args: string[], runner: Runner = loadAndRun): Argv {
  return registerAll(yargs(args).scriptName('gitseal').usage('$0 <command>: keep Kubernetes secrets in Git without trusting Git'), COMMANDS, runner)
    .parserConfiguration({ 'populate--': true })
    .option('config', { global: true, type: 'string', describe: '.gitseal.yaml to use for every file instead of the nearest one above it (default: $GITSEAL_CONFIG)' })
    .middleware((argv) => {
      setFollowSymlinks(argv.followSymlinks === true);
      // serve's --config is its own configuration file, not a .gitseal.yaml.
      if (argv._[0] !== 'serve') chooseConfig(typeof argv.config === 'string' ? argv.config : undefined);
      refuseLostDash(commandTree(), args, argv);
    })
    .demandCommand(1, 'name a command: gitseal --help lists them')
    .strict()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    // English, as gitseal's own messages: yargs would follow LANG, and help-groups.ts finds its "Commands:".
    .locale('en')
    .fail((msg, err) => {
      // yargs' own YError is a usage mistake too (`-r -`: "Not enough arguments following: r"); any other error is a command's.
      if (err && err.name !== 'YError') throw err;
      throw new GitsealError('E_USAGE', usageMistake(commandTree(), args) ?? msg ?? err?.message ?? 'bad command line');
    })
    .wrap(Math.min(100, process.stdout.columns || 100));
}

/**
 * Parses `args` and runs the command they name; returns what yargs answered
 * instead (help, the version), with the top-level help's commands grouped
 * by task.
 */
async function parseLine(args: readonly string[], runner: Runner): Promise<string> {
  let output = '';
  let topLevel = false;
  await buildCli([...args], runner).parseAsync([...args], {}, (_err, argv: { readonly _?: readonly unknown[] } | undefined, text) => {
    output = text;
    topLevel = argv?._?.length === 0;
  });
  if (output) refuseHelpAsValue(commandTree(), args);
  return topLevel ? groupCommands(output, taskHeadings(), HELP_TOPICS) : output;
}

/** What `gitseal PATH… --help` prints. */
export function helpText(path: readonly string[]): Promise<string> {
  return parseLine([...path, '--help'], noRun);
}

export async function runCli(args: string[]): Promise<void> {
  const output = await parseLine(args, loadAndRun);
  if (output) process.stdout.write(`${output}\n`);
}
