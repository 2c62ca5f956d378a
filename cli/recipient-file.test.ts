import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatRecipient, generateIdentity } from '../core/crypto/recipients/index.js';
import { codeOf, errorOf } from '../test/helpers/errors.js';
import { MAX_RECIPIENT_FILE_BYTES, parseRecipientLines, readRecipientFile, readRecipientFileWithin } from './recipient-file.js';

const A = formatRecipient(generateIdentity('mlkem1024-x25519').identity.recipient);
const B = formatRecipient(generateIdentity('mlkem1024').identity.recipient);

const dir = mkdtempSync(join(tmpdir(), 'gitseal-recipient-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseRecipientLines', () => {
  it('reads one recipient a line, skipping blank lines, # comment lines and surrounding space (CRLF too)', () => {
    expect(parseRecipientLines(`# the org key\n\n  ${A}  \r\n# alice\n${B}\n`, 'keys.pub')).toEqual([A, B]);
  });

  it('names the file and the line of a line that is not a recipient, without quoting it', () => {
    const e = errorOf(() => parseRecipientLines(`# ok\n${A}\nage1notours\n`, 'keys.pub'));
    expect(e.code).toBe('E_RECIPIENT');
    expect(e.message).toContain('keys.pub, line 3');
    expect(e.message).not.toContain('age1notours');
    expect(codeOf(() => parseRecipientLines(`${A} # trailing comment\n`, 'k'))).toBe('E_RECIPIENT');
    expect(codeOf(() => parseRecipientLines(`${A.slice(0, -4)}\n`, 'k'))).toBe('E_RECIPIENT');
  });

  it('a file that lists no recipient is E_NO_RECIPIENTS', () => {
    expect(codeOf(() => parseRecipientLines('# nothing yet\n\n', 'k'))).toBe('E_NO_RECIPIENTS');
    expect(codeOf(() => parseRecipientLines('', 'k'))).toBe('E_NO_RECIPIENTS');
  });
});

describe('readRecipientFile (-R FILE)', () => {
  it('reads the file the user names, wherever it is', () => {
    writeFileSync(join(dir, 'team.pub'), `${A}\n${B}\n`);
    expect(readRecipientFile(join(dir, 'team.pub'))).toEqual([A, B]);
  });

  it('a missing file, a folder or a device is E_IO; so is a file over the size limit', () => {
    expect(codeOf(() => readRecipientFile(join(dir, 'missing.pub')))).toBe('E_IO');
    expect(codeOf(() => readRecipientFile(dir))).toBe('E_IO');
    expect(codeOf(() => readRecipientFile('/dev/zero'))).toBe('E_IO');
    writeFileSync(join(dir, 'huge.pub'), `${A}\n`.repeat(Math.ceil(MAX_RECIPIENT_FILE_BYTES / A.length) + 1));
    expect(codeOf(() => readRecipientFile(join(dir, 'huge.pub')))).toBe('E_IO');
  });
});

describe('readRecipientFileWithin (.gitseal.yaml {file: PATH})', () => {
  // repo/.git, repo/keys/org.pub, repo/apps/.gitseal.yaml; outside/evil.pub beside the repository.
  const repo = join(dir, 'repo');
  const apps = join(repo, 'apps');
  const config = join(apps, '.gitseal.yaml');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(join(repo, 'keys'), { recursive: true });
  mkdirSync(apps, { recursive: true });
  mkdirSync(join(dir, 'outside'), { recursive: true });
  writeFileSync(join(repo, 'keys', 'org.pub'), `${A}\n`);
  writeFileSync(join(dir, 'outside', 'evil.pub'), `${B}\n`);
  symlinkSync(join(dir, 'outside', 'evil.pub'), join(repo, 'keys', 'link-out.pub'));
  symlinkSync(join(repo, 'keys', 'org.pub'), join(repo, 'keys', 'link-in.pub'));
  symlinkSync('/dev/zero', join(repo, 'keys', 'zero.pub'));
  symlinkSync(join(dir, 'outside'), join(repo, 'keys', 'out-dir'));

  it('reads a path relative to the .gitseal.yaml, inside the repository, through a link that stays inside', () => {
    expect(readRecipientFileWithin('../keys/org.pub', config, apps, repo)).toEqual([A]);
    expect(readRecipientFileWithin('../keys/link-in.pub', config, apps, repo)).toEqual([A]);
  });

  it('refuses, without reading, a path or link that leads out of the repository, and an absolute path', () => {
    for (const path of ['../../outside/evil.pub', '../keys/link-out.pub', '../keys/out-dir/evil.pub', '../keys/zero.pub', join(dir, 'outside', 'evil.pub'), '/dev/stdin', '', '..'])
      expect(codeOf(() => readRecipientFileWithin(path, config, apps, repo)), path).toBe('E_CONFIG');
  });

  it('outside a repository the root is the folder of the .gitseal.yaml', () => {
    expect(codeOf(() => readRecipientFileWithin('../keys/org.pub', config, apps, apps))).toBe('E_CONFIG');
  });

  it('a missing file is E_CONFIG naming the .gitseal.yaml; a bad line is E_RECIPIENT naming file and line', () => {
    const missing = errorOf(() => readRecipientFileWithin('../keys/none.pub', config, apps, repo));
    expect([missing.code, missing.message]).toEqual(['E_CONFIG', expect.stringContaining('.gitseal.yaml: recipient file "../keys/none.pub" does not exist')]);
    writeFileSync(join(repo, 'keys', 'bad.pub'), `${A}\n\nnot-a-recipient\n`);
    const bad = errorOf(() => readRecipientFileWithin('../keys/bad.pub', config, apps, repo));
    expect([bad.code, bad.message]).toEqual(['E_RECIPIENT', expect.stringContaining('recipient file "../keys/bad.pub", line 3')]);
  });
});
