/** Recipient strings (`gitseal1:ALG:…`) and writer strings (`gitseal-writer1:mldsa65-ed25519:…`). */
import { parseRecipient } from '../../../core/crypto/recipients/index.js';
import { parseWriter } from '../../../core/crypto/writer-key.js';
import { fuzzInput } from '../mutate.js';
import { gitsealError, type FuzzTarget } from '../target.js';
import { signatureVectors, vectorKeys } from './seeds.js';

export async function recipientTarget(): Promise<FuzzTarget> {
  const seeds = Object.values(vectorKeys()).map((k) => k.recipient);
  return { name: 'recipient', arbitrary: fuzzInput(seeds), parse: parseRecipient, typed: gitsealError };
}

export async function writerTarget(): Promise<FuzzTarget> {
  const w = signatureVectors().writer;
  return { name: 'writer', arbitrary: fuzzInput([w.key, ` ${w.key}\n`]), parse: parseWriter, typed: gitsealError };
}
