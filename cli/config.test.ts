import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatRecipient, generateIdentity } from '../core/crypto/recipients/index.js';
import { codeOf } from '../test/helpers/errors.js';
import { loadConfig, policyFor, recipientFilesNamed } from './config.js';

const A = formatRecipient(generateIdentity('mlkem1024-x25519').identity.recipient);
const B = formatRecipient(generateIdentity('mlkem1024').identity.recipient);

const root = mkdtempSync(join(tmpdir(), 'gitseal-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A repository (a `.git` folder) with `keys/org.pub` and `keys/staging.pub`, and a `.gitseal.yaml` at `at`. */
function repoWith(config: string, at = ''): string {
  const repo = mkdtempSync(join(root, 'repo-'));
  mkdirSync(join(repo, '.git'));
  mkdirSync(join(repo, 'keys'));
  writeFileSync(join(repo, 'keys', 'org.pub'), `# org key\n${A}\n`);
  writeFileSync(join(repo, 'keys', 'staging.pub'), `${B}\n`);
  mkdirSync(join(repo, at), { recursive: true });
  writeFileSync(join(repo, at, '.gitseal.yaml'), config);
  return join(repo, at, '.gitseal.yaml');
}

describe('.gitseal.yaml recipients given as files', () => {
  it('reads {file: PATH} relative to the .gitseal.yaml, beside inline recipients, at the top and in creation rules', () => {
    const file = repoWith(`recipients: [{file: ../keys/org.pub}]\ncreation_rules:\n  - path_regex: '^staging/'\n    recipients: [{file: ../keys/staging.pub}, ${A}]\n`, 'apps');
    const config = loadConfig(file);
    expect(config.recipients).toEqual([A]);
    expect(policyFor(config, join(config.dir, 'staging', 's.yaml')).recipients).toEqual([B, A]);
    expect(policyFor(config, join(config.dir, 'prod', 's.yaml')).recipients).toEqual([A]);
  });

  it('refuses a file that leads out of the repository, by .. or by a symbolic link, and a malformed entry', () => {
    const outside = join(root, 'outside.pub');
    writeFileSync(outside, `${B}\n`);
    expect(codeOf(() => loadConfig(repoWith('recipients: [{file: ../outside.pub}]\n')))).toBe('E_CONFIG');
    const linked = repoWith('recipients: [{file: keys/evil.pub}]\n');
    symlinkSync(outside, join(linked, '..', 'keys', 'evil.pub'));
    expect(codeOf(() => loadConfig(linked))).toBe('E_CONFIG');
    expect(codeOf(() => loadConfig(repoWith(`recipients: [{file: ${outside}}]\n`)))).toBe('E_CONFIG');
    expect(codeOf(() => loadConfig(repoWith('recipients: [{file: keys/org.pub, extra: 1}]\n')))).toBe('E_CONFIG');
    expect(codeOf(() => loadConfig(repoWith('recipients: [{path: keys/org.pub}]\n')))).toBe('E_CONFIG');
    expect(codeOf(() => loadConfig(repoWith('recipients: keys/org.pub\n')))).toBe('E_CONFIG');
  });

  it('a bad line in a recipient file is E_RECIPIENT', () => {
    const file = repoWith('recipients: [{file: keys/bad.pub}]\n');
    writeFileSync(join(file, '..', 'keys', 'bad.pub'), 'nonsense\n');
    expect(codeOf(() => loadConfig(file))).toBe('E_RECIPIENT');
  });

  it('recipientFilesNamed lists the files a text names, for verify --review to copy from the base', () => {
    expect(recipientFilesNamed(`recipients: [{file: a.pub}, ${A}]\ncreation_rules:\n  - {path_regex: x, recipients: [{file: b.pub}]}\n  - {path_regex: y}\n`)).toEqual(['a.pub', 'b.pub']);
    expect(recipientFilesNamed('recipients: [')).toEqual([]);
    expect(recipientFilesNamed('- a list')).toEqual([]);
  });
});
