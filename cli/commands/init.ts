import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fail, isGitsealError } from '../../core/errors.js';
import { keystoreRecipients } from '../../core/crypto/keystore.js';
import { parseRecipient } from '../../core/crypto/recipients/index.js';
import { CONFIG_FILE, renderConfig, type RecipientEntry } from '../config.js';
import { workTreeOf, writeAtomic } from '../files.js';
import { keyFileFor } from '../keys.js';
import { readRecipientFile, readRecipientFileWithin } from '../recipient-file.js';
import type { InitOptions } from './init.command.js';

/**
 * `-R FILE`: a file the new `.gitseal.yaml` may name (inside the repository, as loading it requires) is
 * named, so the recipients stay in one place; a file elsewhere has its recipients copied in.
 */
function entriesOfFile(file: string, configDir: string): RecipientEntry[] {
  const recipients = readRecipientFile(file);
  const path = relative(configDir, resolve(file)).split(sep).join('/');
  try {
    readRecipientFileWithin(path, CONFIG_FILE, configDir, workTreeOf(configDir) ?? configDir);
    return [{ file: path }];
  } catch (e) {
    if (!isGitsealError(e, 'E_CONFIG')) throw e;
    process.stderr.write(`gitseal: ${file} is outside the repository: its ${recipients.length} recipient(s) are copied into ${CONFIG_FILE}\n`);
    return recipients;
  }
}

export async function run(opts: InitOptions): Promise<void> {
  const dir = process.cwd();
  const target = join(dir, CONFIG_FILE);
  if (existsSync(target) && !opts.force) fail('E_IO', `${CONFIG_FILE} exists here: pass --force to replace it`);
  let entries: RecipientEntry[] = [...(opts.recipient ?? []), ...(opts.recipientFile ?? []).flatMap((file) => entriesOfFile(file, dir))];
  if (entries.length === 0) {
    const keyFile = keyFileFor(opts.key);
    if (!keyFile) fail('E_NO_RECIPIENTS', 'no recipient: pass -r RECIPIENT or -R FILE, or make a key first with "gitseal keygen"');
    entries = keystoreRecipients(readFileSync(keyFile, 'utf8'));
  }
  for (const e of entries) if (typeof e === 'string') parseRecipient(e);
  writeAtomic(target, renderConfig(entries, opts.scope));
  const named = entries.filter((e) => typeof e !== 'string').length;
  process.stderr.write(`gitseal: wrote ${CONFIG_FILE} with ${entries.length - named} recipient(s)${named ? ` and ${named} recipient file(s)` : ''}\n`);
}
