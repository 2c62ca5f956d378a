/**
 * The local org keystore (schemas/FORMAT.md §11;
 * docs/ARCHITECTURE.md#keys-and-who-holds-them): pure encode/decode of the
 * keystore file text. The on-disk shape (`DiskKey`) is separate from the
 * in-memory `Identity`; each secret is stored raw or, with a passphrase, in a
 * passphrase box (core/crypto/passphrase-box.ts) bound to its kid, so sealed
 * secrets cannot be swapped between entries. Recipients stay readable so
 * `keystoreRecipients` needs no passphrase.
 */
import { Document, isMap, parseDocument } from 'yaml';
import { NONCE_LENGTH } from './aead.js';
import { b64url, concat, fromB64url, utf8, wipe } from '../bytes.js';
import { fail, isGitsealError } from '../errors.js';
import {
  DEFAULT_SCRYPT, derivePassphraseKeySync, newSalt, openBox, SALT_LENGTH, scryptProblem, sealBox, wipePassphraseKey,
  type PassphraseKey, type ScryptParams,
} from './passphrase-box.js';
import { formatRecipient, isRecipientAlg, parseRecipient, recipientKind } from './recipients/index.js';
import type { Identity, RecipientAlg } from './recipients/types.js';

export const KEYSTORE_VERSION = 1;
const PASSPHRASE_HINT = 'set GITSEAL_PASSPHRASE to the passphrase the keystore was made with';

/** One key to store; `created` is an ISO 8601 UTC time passed in by the caller (core has no clock). */
export interface KeystoreEntry { identity: Identity; secret: Uint8Array; created: string }

interface SealedBox { kdf: 'scrypt'; N: number; r: number; p: number; salt: string; nonce: string; ct: string }
type DiskKey = { kid: string; alg: RecipientAlg; recipient: string; created: string } & ({ secret: string } | { sealed: SealedBox });

const aad = (kid: string): Uint8Array => utf8(`gitseal/keystore/v1:${kid}`);

const pickScrypt = ({ N, r, p }: ScryptParams): ScryptParams => ({ N, r, p });

/** The keystore's passphrase rule: the UTF-8 of its NFC form, so every input method gives the same key. */
function deriveKey(passphrase: string, salt: Uint8Array, params: ScryptParams): PassphraseKey {
  const pass = utf8(passphrase.normalize('NFC'));
  try {
    return derivePassphraseKeySync(pass, salt, params);
  } finally {
    wipe(pass);
  }
}

/**
 * Encodes a keystore file. With a passphrase every secret is sealed (one
 * random salt per file, one random nonce per key). Throws TypeError or
 * RangeError on misuse: no entries, an empty passphrase, bad scrypt
 * parameters, or a secret that does not belong to its identity.
 */
export function encodeKeystore(entries: readonly KeystoreEntry[], passphrase?: string, scrypt: ScryptParams = DEFAULT_SCRYPT): string {
  if (entries.length === 0) throw new RangeError('a keystore needs at least one key');
  if (passphrase !== undefined && (typeof passphrase !== 'string' || passphrase === '')) throw new RangeError('passphrase must be a non-empty string');
  const problem = scryptProblem(scrypt);
  if (problem) throw new RangeError(`scrypt parameters: ${problem}`);
  const salt = newSalt(); // used only when sealing
  const key = passphrase === undefined ? undefined : deriveKey(passphrase, salt, scrypt);
  try {
    const keys: DiskKey[] = entries.map(({ identity, secret, created }) => {
      if (typeof created !== 'string' || created === '') throw new TypeError('created must be an ISO 8601 time string');
      if (recipientKind(identity.alg).fromSecret(secret).kid !== identity.kid) throw new RangeError(`the secret given for ${identity.kid} is not its secret`);
      const head = { kid: identity.kid, alg: identity.alg, recipient: formatRecipient(identity.recipient), created };
      if (!key) return { ...head, secret: b64url(secret) };
      const box = sealBox(key, secret, aad(identity.kid));
      const nonce = b64url(box.subarray(0, NONCE_LENGTH));
      const ct = b64url(box.subarray(NONCE_LENGTH));
      return { ...head, sealed: { kdf: 'scrypt', ...pickScrypt(scrypt), salt: b64url(salt), nonce, ct } };
    });
    const doc = new Document({ 'gitseal-keystore': KEYSTORE_VERSION, keys });
    keys.forEach((_, i) => {
      const sealed = doc.getIn(['keys', i, 'sealed'], true);
      if (isMap(sealed)) sealed.flow = true; // one line per sealed key, as in FORMAT.md §11
    });
    return doc.toString({ lineWidth: 0 });
  } finally {
    if (key) wipePassphraseKey(key);
  }
}

/** True when any key in the file needs the passphrase. Throws E_KEYSTORE when malformed. */
export const isKeystoreSealed = (text: string): boolean => readKeystore(text).some((k) => 'sealed' in k);

/** The public recipient strings of every key; no passphrase needed. Throws E_KEYSTORE when malformed. */
export const keystoreRecipients = (text: string): string[] => readKeystore(text).map((k) => k.recipient);

/**
 * Decodes a keystore into identities. Throws E_KEYSTORE when the file is
 * malformed or a secret does not match its recipient, E_PASSPHRASE when a
 * sealed key needs a passphrase that is missing or wrong.
 */
export function decodeKeystore(text: string, passphrase?: string): Identity[] {
  const secrets = keystoreSecrets(text, passphrase);
  try {
    return secrets.map((k) => recipientKind(k.alg).fromSecret(k.secret));
  } finally {
    for (const k of secrets) wipe(k.secret);
  }
}

/**
 * The raw secrets of a keystore, checked against their recipients, for
 * moving the keys into the rewrap service. The caller wipes them. Throws as
 * `decodeKeystore`.
 */
export function keystoreSecrets(text: string, passphrase?: string): { alg: RecipientAlg; secret: Uint8Array }[] {
  const keys = readKeystore(text);
  const derived = new Map<string, PassphraseKey>(); // one scrypt run per distinct salt, not per key
  const out: { alg: RecipientAlg; secret: Uint8Array }[] = [];
  try {
    for (const [i, k] of keys.entries()) {
      const secret = 'secret' in k ? fromB64url(k.secret, `key ${i + 1} secret`) : openSealed(k.kid, k.sealed, passphrase, derived);
      out.push({ alg: k.alg, secret });
      if (secret.length !== recipientKind(k.alg).secretLength) fail('E_KEYSTORE', `the keystore is malformed: key ${i + 1} has a secret of the wrong length`);
      if (recipientKind(k.alg).fromSecret(secret).kid !== k.kid) fail('E_KEYSTORE', `the keystore is malformed: the secret of key ${i + 1} does not belong to ${k.kid}`);
    }
    return out;
  } catch (e) {
    for (const k of out) wipe(k.secret);
    if (isGitsealError(e, 'E_FORMAT')) fail('E_KEYSTORE', `the keystore is malformed: ${e.message}`);
    throw e;
  } finally {
    for (const key of derived.values()) wipePassphraseKey(key);
  }
}

function openSealed(kid: string, box: SealedBox, passphrase: string | undefined, derived: Map<string, PassphraseKey>): Uint8Array {
  if (passphrase === undefined || passphrase === '') fail('E_PASSPHRASE', `the keystore is sealed with a passphrase: ${PASSPHRASE_HINT}`);
  const params = pickScrypt(box);
  const id = `${params.N}/${params.r}/${params.p}/${box.salt}`;
  let key = derived.get(id);
  const salt = fromB64url(box.salt, `the salt of ${kid}`);
  const nonce = fromB64url(box.nonce, `the nonce of ${kid}`);
  if (salt.length !== SALT_LENGTH || nonce.length !== NONCE_LENGTH) fail('E_KEYSTORE', `the keystore is malformed: the salt or nonce of ${kid} has the wrong length`);
  if (!key) derived.set(id, (key = deriveKey(passphrase, salt, params)));
  const secret = openBox(key, concat(nonce, fromB64url(box.ct, `the ct of ${kid}`)), aad(kid));
  return secret ?? fail('E_PASSPHRASE', `the keystore key ${kid} does not open: the passphrase is wrong or the file was modified; ${PASSPHRASE_HINT}`);
}

type Fields = Record<string, unknown>;
const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const malformed = (what: string): never => fail('E_KEYSTORE', `the keystore is malformed: ${what}; make a new one with gitseal keygen`);

function str(o: Fields, field: string, where: string): string {
  const v = o[field];
  return typeof v === 'string' && v !== '' ? v : malformed(`${where} has no ${field}`);
}

function num(o: Fields, field: string, where: string): number {
  const v = o[field];
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : malformed(`${where} has no integer ${field}`);
}

/** Parses and checks the file's structure and public parts; touches no secret. */
function readKeystore(text: string): DiskKey[] {
  if (typeof text !== 'string') throw new TypeError('keystore text must be a string');
  // YAML error messages quote the source, which may hold a secret: report only that parsing failed.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) malformed('it is not valid YAML');
  const root: unknown = doc.toJS({ maxAliasCount: 0 });
  if (!isFields(root)) return malformed('it is not a mapping');
  if (root['gitseal-keystore'] !== KEYSTORE_VERSION) malformed(`gitseal-keystore must be ${KEYSTORE_VERSION}`);
  const list = root['keys'];
  if (!Array.isArray(list) || list.length === 0) return malformed('it has no keys');
  const seen = new Set<string>();
  return list.map((item: unknown, i): DiskKey => {
    const where = `key ${i + 1}`;
    if (!isFields(item)) return malformed(`${where} is not a mapping`);
    const kid = str(item, 'kid', where);
    const alg = str(item, 'alg', where);
    if (!isRecipientAlg(alg)) return malformed(`${where} has an unknown alg`);
    if (seen.has(kid)) malformed(`${kid} appears twice`);
    seen.add(kid);
    const recipient = str(item, 'recipient', where);
    let parsed;
    try {
      parsed = parseRecipient(recipient);
    } catch (e) {
      if (isGitsealError(e, 'E_RECIPIENT')) return malformed(`${where} has an invalid recipient`);
      throw e;
    }
    if (parsed.kid !== kid || parsed.alg !== alg) malformed(`the recipient of ${where} is not ${kid}`);
    const head = { kid, alg, recipient, created: str(item, 'created', where) };
    if (('secret' in item) === ('sealed' in item)) return malformed(`${where} needs exactly one of secret and sealed`);
    if ('secret' in item) return { ...head, secret: str(item, 'secret', where) };
    const s = item['sealed'];
    if (!isFields(s) || s['kdf'] !== 'scrypt') return malformed(`${where} is not sealed with scrypt`);
    const box: SealedBox = {
      kdf: 'scrypt', N: num(s, 'N', where), r: num(s, 'r', where), p: num(s, 'p', where),
      salt: str(s, 'salt', where), nonce: str(s, 'nonce', where), ct: str(s, 'ct', where),
    };
    const problem = scryptProblem(box);
    if (problem) malformed(`${where} has bad scrypt parameters (${problem})`);
    return { ...head, sealed: box };
  });
}
