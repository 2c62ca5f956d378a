/**
 * SOPS values: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` strings,
 * AES-256-GCM with a 32-byte nonce (SOPS calls NewGCMWithNonceSize(…, 32)),
 * the additional data of a value being its key path joined by ":" plus a
 * trailing ":" (`a:b:` for a.b; sequence items use their parent's path).
 * Pure: node:crypto only.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fail, GitsealError } from '../../core/errors.js';

export type SopsType = 'str' | 'int' | 'float' | 'bool' | 'bytes' | 'comment';
/** A cleartext leaf value as SOPS sees it. `float` keeps the difference between 1 and 1.0. */
export type SopsValue = string | number | boolean | { readonly float: number };

export interface EncParts {
  readonly data: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly type: SopsType;
}

const ENC_RE = /^ENC\[AES256_GCM,data:([A-Za-z0-9+/=]*),iv:([A-Za-z0-9+/=]+),tag:([A-Za-z0-9+/=]+),type:(str|int|float|bool|bytes|comment)\]$/;

export const isEncValue = (s: string): boolean => s.startsWith('ENC[') && s.endsWith(']');

export function parseEnc(s: string): EncParts {
  const m = ENC_RE.exec(s.trim());
  if (!m) fail('E_SOPS', 'a value looks like ENC[...] but is not a valid SOPS AES256_GCM value');
  return { data: Buffer.from(m[1]!, 'base64'), iv: Buffer.from(m[2]!, 'base64'), tag: Buffer.from(m[3]!, 'base64'), type: m[4] as SopsType };
}

/** Additional data of a value at `path`: "a:b:" (the empty path gives ":"). */
export const aadOf = (path: readonly string[]): string => `${path.join(':')}:`;

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits, never an exponent. */
export function goFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expS] = v.toExponential().split('e') as [string, string];
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const exp = Number(expS);
  let out: string;
  if (exp >= digits.length - 1) out = digits + '0'.repeat(exp - digits.length + 1);
  else if (exp >= 0) out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  else out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  return neg ? `-${out}` : out;
}

/** The bytes a value adds to the MAC (SOPS ToBytes: note "True"/"False" for booleans). */
export function macText(v: SopsValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  return goFloat(v.float);
}

function plainOf(v: SopsValue): { text: string; type: SopsType } {
  if (typeof v === 'string') return { text: v, type: 'str' };
  if (typeof v === 'boolean') return { text: v ? 'true' : 'false', type: 'bool' };
  if (typeof v === 'number') return Number.isInteger(v) ? { text: String(v), type: 'int' } : { text: goFloat(v), type: 'float' };
  return { text: goFloat(v.float), type: 'float' };
}

function valueOf(text: string, type: SopsType): SopsValue {
  switch (type) {
    case 'str':
    case 'bytes':
    case 'comment':
      return text;
    case 'int': {
      if (!/^[+-]?\d+$/.test(text)) fail('E_SOPS', 'a SOPS value of type int does not hold an integer');
      return Number(text);
    }
    case 'float': {
      const n = Number(text);
      if (text.trim() === '' || Number.isNaN(n)) fail('E_SOPS', 'a SOPS value of type float does not hold a number');
      return { float: n };
    }
    case 'bool':
      if (!/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(text)) fail('E_SOPS', 'a SOPS value of type bool does not hold a boolean');
      return /^(1|t|T|TRUE|true|True)$/.test(text);
  }
}

export function encryptValue(v: SopsValue, key: Uint8Array, aad: string, iv: Uint8Array = randomBytes(32), asComment = false): string {
  const { text, type } = plainOf(v);
  if (text === '' && !asComment && type === 'str') return '';
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([c.update(text, 'utf8'), c.final()]);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  return `ENC[AES256_GCM,data:${b64(data)},iv:${b64(iv)},tag:${b64(c.getAuthTag())},type:${asComment ? 'comment' : type}]`;
}

/** Decrypts one ENC[...] value; a wrong key, path or edited ciphertext fails with E_SOPS_MAC (never the value). */
export function decryptValue(enc: string, key: Uint8Array, aad: string): { value: SopsValue; type: SopsType } {
  const p = parseEnc(enc);
  if (p.tag.length !== 16 || p.iv.length === 0) fail('E_SOPS', 'a SOPS value has a malformed iv or tag');
  let text: string;
  try {
    const d = createDecipheriv('aes-256-gcm', key, p.iv);
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(p.tag);
    text = Buffer.concat([d.update(p.data), d.final()]).toString('utf8');
  } catch {
    throw new GitsealError('E_SOPS_MAC', `a SOPS value at "${aad.slice(0, -1)}" does not decrypt: the data key is wrong or the file was modified`);
  }
  return { value: valueOf(text, p.type), type: p.type };
}
