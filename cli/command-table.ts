/**
 * The `gitseal` command table. Each command declares its own options
 * (cli/commands/*.command.ts); its implementation is imported only when it
 * runs, which keeps start-up fast.
 */
import yargs, { type Argv } from 'yargs';
import { GitsealError } from '../core/errors.js';
import { defineGroup, loadAndRun, registerAll, type Runner, type TableEntry } from './command.js';
import { auditVerifyCommand } from './commands/audit-verify.command.js';
import { controllerCommand } from './commands/controller.command.js';
import { decryptCommand } from './commands/decrypt.command.js';
import { diffCommand } from './commands/diff.command.js';
import { editCommand } from './commands/edit.command.js';
import { encryptCommand } from './commands/encrypt.command.js';
import { execEnvCommand } from './commands/exec-env.command.js';
import { exportSopsCommand } from './commands/export-sops.command.js';
import { gitMergeCommand } from './commands/git-merge.command.js';
import { gitPreCommitCommand } from './commands/git-pre-commit.command.js';
import { gitSetupCommand } from './commands/git-setup.command.js';
import { gitTextconvCommand } from './commands/git-textconv.command.js';
import { importSealedSecretsCommand } from './commands/import-sealed-secrets.command.js';
import { importSopsCommand } from './commands/import-sops.command.js';
import { initCommand } from './commands/init.command.js';
import { keygenCommand } from './commands/keygen.command.js';
import { keysCommand } from './commands/keys.command.js';
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

/** Every command, in the order `gitseal --help` lists them. */
export const COMMANDS: readonly TableEntry[] = [
  keygenCommand,
  initCommand,
  encryptCommand,
  decryptCommand,
  editCommand,
  setCommand,
  unsetCommand,
  updatekeysCommand,
  rotateCommand,
  signCommand,
  trustCommand,
  verifyCommand,
  execEnvCommand,
  diffCommand,
  defineGroup({
    command: 'git',
    describe: 'git integration: setup, and the drivers git calls',
    subcommands: [gitSetupCommand, gitTextconvCommand, gitMergeCommand, gitPreCommitCommand],
    demand: 'name a git subcommand: setup, textconv, merge or pre-commit',
  }),
  serveCommand,
  controllerCommand,
  keysCommand,
  defineGroup({ command: 'policy', describe: 'the rewrap service policy', subcommands: [policyCheckCommand], demand: 'name a policy subcommand: check' }),
  defineGroup({
    command: 'import',
    describe: 'convert secrets kept by other tools into gitseal files',
    subcommands: [importSealedSecretsCommand, importSopsCommand],
    demand: 'name an import subcommand: sops or sealed-secrets',
  }),
  defineGroup({ command: 'export', describe: "write a gitseal file in another tool's format", subcommands: [exportSopsCommand], demand: 'name an export subcommand: sops' }),
  defineGroup({ command: 'audit', describe: 'the rewrap service audit log', subcommands: [auditVerifyCommand], demand: 'name an audit subcommand: verify' }),
];

/** The parser for `args`; `runner` runs the command they name (tests pass one that only records it). */
export function buildCli(args: string[], runner: Runner = loadAndRun): Argv {
  return registerAll(yargs(args).scriptName('gitseal').usage('$0 <command>: keep Kubernetes secrets in Git without trusting Git'), COMMANDS, runner)
    .parserConfiguration({ 'populate--': true })
    .middleware((argv) => setFollowSymlinks(argv.followSymlinks === true))
    .demandCommand(1, 'name a command: gitseal --help lists them')
    .strict()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .fail((msg, err) => {
      if (err) throw err;
      throw new GitsealError('E_USAGE', msg);
    })
    .wrap(Math.min(100, process.stdout.columns || 100));
}

export async function runCli(args: string[]): Promise<void> {
  await buildCli(args).parseAsync();
}
