/** Every vector file's exact text, by file name: what generate.ts writes and what the test compares against. */
import { fileVectorSets } from './files.js';
import { fixedKey, formatJson, KEY_NAMES, RANDOM_SPEC } from './kit.js';
import { primitiveVectors } from './primitives.js';
import { signatureVectors } from './signatures.js';

export function allVectorFiles(): Record<string, string> {
  const keys = {
    description: 'The fixed keys every vector uses. secret is what identityFromSecret(alg, secret) takes; it comes from the stream below with seed "gitseal/vectors/identity/<alg>".',
    random: RANDOM_SPEC,
    keys: Object.fromEntries(KEY_NAMES.map((k) => [k, fixedKey(k)])),
  };
  const out: Record<string, string> = { 'keys.json': formatJson(keys) + '\n', 'primitives.json': formatJson(primitiveVectors()) + '\n' };
  for (const [name, set] of Object.entries(fileVectorSets())) out[name] = formatJson(set) + '\n';
  out['signatures.json'] = formatJson(signatureVectors()) + '\n';
  return out;
}
