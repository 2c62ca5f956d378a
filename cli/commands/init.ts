import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../../core/errors.js';
import { keystoreRecipients } from '../../core/crypto/keystore.js';
import { parseRecipient } from '../../core/crypto/recipients/index.js';
import { CONFIG_FILE, renderConfig } from '../config.js';
import { writeAtomic } from '../files.js';
import { keyFileFor } from '../keys.js';
import type { InitOptions } from './init.command.js';

export async function run(opts: InitOptions): Promise<void> {
  const target = join(process.cwd(), CONFIG_FILE);
  if (existsSync(target) && !opts.force) fail('E_IO', `${CONFIG_FILE} exists here: pass --force to replace it`);
  let recipients = opts.recipient ?? [];
  if (recipients.length === 0) {
    const keyFile = keyFileFor(opts.key);
    if (!keyFile) fail('E_NO_RECIPIENTS', 'no recipient: pass -r RECIPIENT, or make a key first with "gitseal keygen"');
    recipients = keystoreRecipients(readFileSync(keyFile, 'utf8'));
  }
  recipients.forEach(parseRecipient);
  writeAtomic(target, renderConfig(recipients, opts.scope));
  process.stderr.write(`gitseal: wrote ${CONFIG_FILE} with ${recipients.length} recipient(s)\n`);
}
