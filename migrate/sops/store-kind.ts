/**
 * Which SOPS store wrote a file, and a clear refusal for the two gitseal
 * cannot import. SOPS picks its store by the file's extension (.yaml/.yml,
 * .json, .env, .ini, anything else binary); gitseal reads the text, and
 * looks at the name only where the text cannot tell: the binary store writes
 * the whole file as one value, `{"data": "ENC[…]", "sops": {…}}`, which is
 * also what the JSON store writes for a JSON document whose only key is
 * "data". So that shape is a binary file unless the name ends in .json or
 * --input-type json says it is JSON, as `sops -d` decides. Pure.
 */
import { fail } from '../../core/errors.js';
import { isRecord } from '../../core/is-record.js';
import { looksDotenv } from './dotenv.js';
import { looksJson } from './tree.js';

export type SopsInputType = 'yaml' | 'json' | 'dotenv';
type SopsStore = SopsInputType | 'ini' | 'binary';

/** SOPS's INI store writes its metadata as a [sops] section, a line no SOPS YAML or JSON file has. */
const looksIni = (text: string): boolean => /^\[sops\][ \t]*\r?$/m.test(text);

function isBinaryEnvelope(text: string): boolean {
  if (!text.includes('"data"')) return false;
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) && Object.keys(v).length === 2 && typeof v.data === 'string' && isRecord(v.sops);
  } catch {
    return false;
  }
}

function storeOf(text: string, inputType: SopsInputType | undefined, name: string | undefined): SopsStore {
  if (inputType === 'dotenv' || (inputType === undefined && looksDotenv(text))) return 'dotenv';
  if (looksIni(text)) return 'ini';
  if (!looksJson(text)) return 'yaml';
  if (inputType === 'json' || /\.json$/i.test(name ?? '')) return 'json';
  return isBinaryEnvelope(text) ? 'binary' : 'json';
}

/**
 * The store a SOPS file of this text (and name, when it has one) comes from.
 * Throws E_SOPS for a binary or INI file, which gitseal cannot hold: it
 * encrypts YAML and JSON documents, not arbitrary bytes or INI sections.
 */
export function importableStore(text: string, inputType?: SopsInputType, name?: string): SopsInputType {
  const store = storeOf(text, inputType, name);
  if (store === 'binary')
    fail(
      'E_SOPS',
      'this is a SOPS binary file (sops -e on a file that is not YAML, JSON, dotenv or INI: the whole file is one encrypted "data" value); ' +
        'gitseal encrypts YAML and JSON documents, not arbitrary files, so it cannot import it. If it really is a JSON document whose only key is "data", pass --input-type json',
    );
  if (store === 'ini') fail('E_SOPS', 'this is a SOPS INI file, which gitseal cannot import: it imports SOPS YAML, JSON and dotenv files. Convert it without a plaintext file: sops -d --output-type yaml FILE | gitseal encrypt - -o FILE.enc.yaml');
  return store;
}
