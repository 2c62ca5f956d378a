/** `gitseal trust`: the user's own list of trusted writers, the one source of trust besides their writer key. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../../core/errors.js';
import { encodeTrustFile, checkSubject } from '../../core/crypto/writer-file.js';
import { formatWriter, parseWriter } from '../../core/crypto/writer-key.js';
import { writeAtomic } from '../files.js';
import { loadTrustFile, trustFilePath } from '../writer.js';
import type { TrustOptions } from './trust.command.js';

export async function run(opts: TrustOptions): Promise<void> {
  const trust = loadTrustFile();
  const path = trustFilePath();
  const save = (t: typeof trust) => {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeAtomic(path, encodeTrustFile(t), 0o600);
  };
  switch (opts.action) {
    case 'list':
      process.stdout.write(`requireSignatures: ${trust.requireSignatures}\n`);
      for (const w of trust.writers) process.stdout.write(`${w.name}\t${w.key.kid}${w.signsFor ? '\tsigns for others' : ''}\t${formatWriter(w.key)}\n`);
      return;
    case 'add': {
      if (!opts.name || !opts.key) fail('E_USAGE', 'gitseal trust add NAME gitseal-writer1:…');
      const name = checkSubject(opts.name, 'the writer name');
      const key = parseWriter(opts.key);
      if (trust.writers.some((w) => w.name === name || w.key.kid === key.kid)) fail('E_USAGE', `${name} or ${key.kid} is already trusted: remove it first`);
      save({ ...trust, writers: [...trust.writers, { name, key, signsFor: opts.signsFor === true }] });
      process.stderr.write(`gitseal: trusting ${name} (${key.kid}) in ${path}\n`);
      return;
    }
    case 'remove': {
      const kept = trust.writers.filter((w) => w.name !== opts.name && w.key.kid !== opts.name);
      if (kept.length === trust.writers.length) fail('E_USAGE', `no trusted writer is named ${opts.name ?? '(nothing)'}`);
      save({ ...trust, writers: kept });
      process.stderr.write(`gitseal: no longer trusting ${opts.name} in ${path}\n`);
      return;
    }
    case 'require': {
      if (opts.name !== 'on' && opts.name !== 'off') fail('E_USAGE', 'gitseal trust require on|off');
      save({ ...trust, requireSignatures: opts.name === 'on' });
      process.stderr.write(`gitseal: signatures ${opts.name === 'on' ? 'required' : 'not required'} (${path})\n`);
      return;
    }
  }
}
