/**
 * The `gitseal` command table. Each command's module is imported only when
 * it runs, which keeps start-up fast.
 */
import yargs, { type Argv } from 'yargs';
import { GitsealError, isGitsealError } from '../core/errors.js';
import { EXIT_CODES } from './exit-codes.js';

import { VERSION } from './version.js';

type Handler = (argv: Record<string, unknown>) => Promise<number | void>;
const lazy =
  (load: () => Promise<{ run: Handler }>): ((argv: Record<string, unknown>) => Promise<void>) =>
  async (argv) => {
    const status = await (await load()).run(argv);
    if (typeof status === 'number') process.exitCode = status;
  };

const output = (y: Argv) =>
  y
    .option('in-place', { alias: 'i', type: 'boolean', describe: 'replace FILE with the result' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the result to OUT instead of stdout' })
    .conflicts('in-place', 'output');
const keyOption = (y: Argv) => y.option('key', { type: 'string', describe: 'keystore file (default: $GITSEAL_KEY_FILE, then ~/.config/gitseal/keys.yaml)' });
// nargs(1): yargs re-parses positionals as `--file -`, which without it turns "-" into "" (yargs/yargs-parser#381).
const file = (y: Argv) => y.positional('file', { type: 'string', describe: 'file to read, or - for stdin', demandOption: true }).nargs('file', 1);
const files = (y: Argv) => y.positional('files', { type: 'string', array: true, describe: 'encrypted files', demandOption: true });

export function buildCli(args: string[]): Argv {
  return yargs(args)
    .scriptName('gitseal')
    .usage('$0 <command>: keep Kubernetes secrets in Git without trusting Git')
    .command(
      'keygen',
      'make a new local org key; prints its public recipient',
      (y) =>
        y
          .option('output', { alias: 'o', type: 'string', describe: 'keystore file to write (mode 0600)' })
          .option('passphrase', { type: 'boolean', describe: 'seal the key with a passphrase (GITSEAL_PASSPHRASE or a prompt)' })
          .option('alg', { choices: ['mlkem1024-x25519', 'mlkem1024'] as const, default: 'mlkem1024-x25519' as const })
          .option('force', { type: 'boolean', describe: 'overwrite an existing keystore' })
          .option('signing-key', { type: 'boolean', describe: 'make an Ed25519 key that signs requests to the rewrap service instead' }),
      lazy(() => import('./commands/keygen.js')),
    )
    .command(
      'init',
      'write .gitseal.yaml (recipients, creation rules, readable paths, scope)',
      (y) =>
        y
          .option('recipient', { alias: 'r', type: 'string', array: true, nargs: 1, describe: 'public recipient, repeatable (default: your keystore)' })
          .option('scope', { choices: ['strict', 'namespace', 'cluster'] as const, default: 'strict' as const })
          .option('key', { type: 'string', describe: 'keystore whose recipients to use' })
          .option('force', { type: 'boolean', describe: 'overwrite an existing .gitseal.yaml' }),
      lazy(() => import('./commands/init.js')),
    )
    .command(
      'encrypt <file>',
      'encrypt the values of a YAML/JSON file (a Secret becomes an EncryptedSecret)',
      (y) =>
        keyOption(output(file(y)))
          .option('recipient', { alias: 'r', type: 'string', array: true, nargs: 1, describe: 'recipient, repeatable (default: .gitseal.yaml)' })
          .option('scope', { choices: ['strict', 'namespace', 'cluster'] as const, describe: 'scope binding (default: .gitseal.yaml, else strict)' }),
      lazy(() => import('./commands/encrypt.js')),
    )
    .command('decrypt <file>', 'decrypt to the exact original bytes', (y) => keyOption(output(file(y))), lazy(() => import('./commands/decrypt.js')))
    .command('edit <file>', 'edit the plaintext in $EDITOR (kept off persistent disk); only changed values are re-encrypted', (y) => keyOption(file(y)), lazy(() => import('./commands/edit.js')))
    .command(
      'set <file> <path> <value>',
      'set one value, e.g. stringData.password (VALUE - reads stdin)',
      (y) =>
        keyOption(file(y))
          .positional('path', { type: 'string', demandOption: true })
          .positional('value', { type: 'string', demandOption: true })
          .nargs('value', 1)
          .option('base64', { type: 'boolean', describe: 'store VALUE base64-encoded (for Secret data)' })
          .option('json', { type: 'boolean', describe: 'VALUE is JSON: numbers, booleans, null, strings' }),
      lazy(() => import('./commands/set.js')),
    )
    .command(
      'unset <file> <path>',
      'remove one value',
      (y) => keyOption(file(y)).positional('path', { type: 'string', demandOption: true }),
      lazy(() => import('./commands/unset.js')),
    )
    .command(
      'updatekeys <files..>',
      'apply recipient changes from .gitseal.yaml; values keep their ciphertext',
      (y) => keyOption(files(y)).option('recipient', { alias: 'r', type: 'string', array: true, nargs: 1, describe: 'recipients instead of .gitseal.yaml, repeatable' }),
      lazy(() => import('./commands/updatekeys.js')),
    )
    .command('rotate <files..>', 'new DEK: every value is re-encrypted', (y) => keyOption(files(y)), lazy(() => import('./commands/rotate.js')))
    .command(
      'verify [files..]',
      'check structure, scope and recipients; the MAC too when a key is at hand',
      (y) =>
        keyOption(y)
          .positional('files', { type: 'string', array: true, describe: 'encrypted files; with --all, paths that limit the walk' })
          .option('all', { alias: 'repo', type: 'boolean', describe: 'every tracked file of the git repository: files a creation rule matches must be encrypted' })
          .option('json', { type: 'boolean', describe: 'machine-readable report' })
          .option('without-key', { type: 'boolean', describe: 'check structure only; do not load a key' }),
      lazy(() => import('./commands/verify.js')),
    )
    .command(
      'exec-env <file> [cmd..]',
      'run a command with the decrypted values in its environment',
      (y) => keyOption(file(y)).positional('cmd', { type: 'string', array: true }),
      lazy(() => import('./commands/exec-env.js')),
    )
    .command(
      'diff [args..]',
      'semantic diff of encrypted files: A B, or --git BASE [HEAD] [PATH...]; exit 1 when they differ',
      (y) =>
        keyOption(y)
          .positional('args', { type: 'string', array: true, describe: 'two files, or with --git: [HEAD] [PATH...]' })
          .option('git', { type: 'string', describe: 'compare every encrypted file changed since this ref' })
          .option('json', { type: 'boolean', describe: 'machine-readable output' })
          .option('show-values', { type: 'boolean', describe: 'print the values themselves (needs a key)' })
          .option('without-key', { type: 'boolean', describe: 'report by token only; do not load a key' }),
      lazy(() => import('./commands/diff.js')),
    )
    .command('git', 'git integration: setup, and the drivers git calls', (y) =>
      y
        .command(
          'setup',
          'install .gitattributes entries, the textconv diff driver, the merge driver and the pre-commit guard (idempotent)',
          (yy) => yy,
          lazy(() => import('./commands/git-setup.js')),
        )
        .command('textconv <file>', 'print a decrypted view for git diff (key names and fingerprints, no values)', (yy) => keyOption(file(yy)), lazy(() => import('./commands/git-textconv.js')))
        .command(
          'merge <base> <ours> <theirs> [path]',
          'three-way merge of an encrypted file at the value level (git merge driver)',
          (yy) => keyOption(yy),
          lazy(() => import('./commands/git-merge.js')),
        )
        .command('pre-commit', 'refuse staged plaintext Secrets, unencrypted files the creation rules match, and private keys', (yy) => yy, lazy(() => import('./commands/git-pre-commit.js')))
        .demandCommand(1, 'name a git subcommand: setup, textconv, merge or pre-commit'),
    )
    .command('serve', 'run the rewrap service (the only holder of the org private key)', (y) =>
      y
        .option('config', { type: 'string', describe: 'service configuration file' })
        .option('dev', { type: 'string', describe: 'make and run a local development service in DIR (default .gitseal-dev)' })
        .option('port', { type: 'number', describe: 'listen on this port instead of the configured one' })
        .conflicts('config', 'dev')
        .command('init', 'create the org key file sealed by the root of trust', (yy) =>
          yy
            .option('config', { type: 'string', demandOption: true, describe: 'service configuration file' })
            .option('import', { type: 'string', describe: 'move the keys of this local keystore into the service' }),
          lazy(() => import('./commands/serve-init.js')),
        ),
      lazy(() => import('./commands/serve.js')),
    )
    .command('controller', 'run the Kubernetes controller: EncryptedSecret → Secret (keys from GITSEAL_SERVER)', (y) =>
      y
        .option('kubeconfig', { type: 'string', describe: 'kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)' })
        .option('namespaces', { type: 'string', describe: 'comma-separated namespaces to watch (default: all)' })
        .option('workers', { type: 'number', describe: 'concurrent reconciles (default 64; they mostly wait on the API and the rewrap service)' })
        .option('leader-elect', { type: 'boolean', describe: 'elect one writing replica through a Lease' })
        .option('lease-namespace', { type: 'string', default: 'gitseal' })
        .option('lease-name', { type: 'string', default: 'gitseal-controller' })
        .option('metrics-addr', { type: 'string', default: ':8080', describe: 'HOST:PORT of /metrics, /healthz, /readyz ("" for none)' }),
      lazy(() => import('./commands/controller.js')),
    )
    .command('keys <action> [kid]', 'org keys of the rewrap service at GITSEAL_SERVER: list, rotate, revoke KID, destroy KID', (y) =>
      y
        .positional('action', { choices: ['list', 'rotate', 'revoke', 'destroy'] as const, demandOption: true })
        .positional('kid', { type: 'string' })
        .option('json', { type: 'boolean' }),
      lazy(() => import('./commands/keys.js')),
    )
    .command('policy', 'the rewrap service policy', (y) =>
      y
        .command('check <subject> <scope>', 'explain whether SUBJECT may rewrap SCOPE, and which rule decides', (yy) =>
          yy
            .positional('subject', { type: 'string', demandOption: true })
            .positional('scope', { type: 'string', demandOption: true })
            .option('policy', { type: 'string', demandOption: true, describe: 'policy file' })
            .option('operation', { choices: ['rewrap', 'keys.rotate', 'keys.revoke', 'keys.destroy'] as const, default: 'rewrap' as const })
            .option('json', { type: 'boolean' }),
          lazy(() => import('./commands/policy-check.js')),
        )
        .demandCommand(1, 'name a policy subcommand: check'),
    )
    .command('import', 'convert secrets kept by other tools into gitseal files', (y) =>
      y
        .command(
          'sealed-secrets <files..>',
          'decrypt Bitnami SealedSecrets with the controller key and write EncryptedSecrets with the same scope',
          (yy) =>
            output(yy.positional('files', { type: 'string', array: true, describe: 'SealedSecret files (YAML/JSON), or - for stdin', demandOption: true }))
              .option('key', { type: 'string', array: true, nargs: 1, demandOption: true, describe: 'sealed-secrets controller private key: PEM (PKCS#1/PKCS#8) or its key Secret YAML; repeat for rotated keys' })
              .option('recipient', { alias: 'r', type: 'string', array: true, nargs: 1, describe: 'recipient, repeatable (default: .gitseal.yaml)' }),
          lazy(() => import('./commands/import-sealed-secrets.js')),
        )
        .command(
          'sops <files..>',
          'import SOPS files (YAML, JSON, dotenv; age, AWS KMS, GCP KMS): check the MAC and re-encrypt with gitseal',
          (yy) =>
            output(yy.positional('files', { type: 'string', array: true, describe: 'SOPS-encrypted files, or - for stdin', demandOption: true }))
              .option('recipient', { alias: 'r', type: 'string', array: true, nargs: 1, describe: 'recipient, repeatable (default: .gitseal.yaml)' })
              .option('scope', { choices: ['strict', 'namespace', 'cluster'] as const, describe: 'scope of imported Secrets (default: .gitseal.yaml)' })
              .option('age-key', { type: 'string', array: true, nargs: 1, describe: 'age identity file, repeatable (also read: $SOPS_AGE_KEY, $SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt)' })
              .option('input-type', { choices: ['yaml', 'json', 'dotenv'] as const, describe: 'SOPS file format (default: detected)' })
              .option('ignore-mac', { type: 'boolean', describe: 'import even when the SOPS MAC does not match (each value still authenticates)' }),
          lazy(() => import('./commands/import-sops.js')),
        )
        .demandCommand(1, 'name an import subcommand: sops or sealed-secrets'),
    )
    .command('export', "write a gitseal file in another tool's format", (y) =>
      y
        .command(
          'sops <file>',
          'decrypt a gitseal file and write it as a SOPS file for age recipients',
          (yy) =>
            keyOption(file(yy))
              .option('age', { type: 'string', array: true, nargs: 1, describe: 'age recipient (age1...), repeatable (default: $SOPS_AGE_RECIPIENTS)' })
              .option('output', { alias: 'o', type: 'string', describe: 'write the SOPS file to OUT instead of stdout' }),
          lazy(() => import('./commands/export-sops.js')),
        )
        .demandCommand(1, 'name an export subcommand: sops'),
    )
    .command('audit', 'the rewrap service audit log', (y) =>
      y
        .command('verify <log>', 'check that no record of the hash-chained audit log was edited, removed or reordered', (yy) =>
          yy
            .positional('log', { type: 'string', demandOption: true })
            .option('expect-head', { type: 'string', describe: 'the last hash you recorded: detects removed trailing records' })
            .option('json', { type: 'boolean' }),
          lazy(() => import('./commands/audit-verify.js')),
        )
        .demandCommand(1, 'name an audit subcommand: verify'),
    )
    .parserConfiguration({ 'populate--': true })
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
