/**
 * SOPS values: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` strings,
 * AES-256-GCM with a 32-byte nonce (SOPS calls NewGCMWithNonceSize(…, 32)),
 * the additional data of a value being its key path joined by ":" plus a
 * trailing ":" (`a:b:` for a.b; sequence items use their parent's path).
 * Pure: node:crypto only.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fromUtf8 } from '../../core/bytes.js';
import { fail, GitsealError } from '../../core/errors.js';

export type SopsType = 'str' | 'int' | 'int64' | 'float' | 'bool' | 'bytes' | 'comment';
/**
 * A cleartext leaf value as SOPS sees it. `float` keeps the difference
 * between 1 and 1.0; an integer past 2^53 is a bigint, kept exact; `bytes`
 * is a Go string that is not UTF-8 text (SOPS reads YAML `!!binary` as the
 * string of its bytes, and yaml.v3 writes such a string back as `!!binary`).
 */
export type SopsValue = string | number | bigint | boolean | { readonly float: number } | { readonly bytes: Uint8Array };

export interface EncParts {
  readonly data: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly type: SopsType;
}

const ENC_RE = /^ENC\[AES256_GCM,data:([A-Za-z0-9+/=]*),iv:([A-Za-z0-9+/=]+),tag:([A-Za-z0-9+/=]+),type:(str|int|int64|float|bool|bytes|comment)\]$/;

export const isEncValue = (s: string): boolean => s.startsWith('ENC[') && s.endsWith(']');

export function parseEnc(s: string): EncParts {
  const m = ENC_RE.exec(s.trim());
  if (!m) {
    // SOPS 3.10 and later encrypt a YAML timestamp (a Go time.Time) with a type of its own.
    const type = /,type:([a-z0-9]{1,16})\]$/.exec(s.trim())?.[1];
    if (type !== undefined && !/^(str|int|int64|float|bool|bytes|comment)$/.test(type)) fail('E_SOPS', `a SOPS value is encrypted with the type "${type}", which gitseal cannot decrypt (SOPS 3.10 and later encrypt a YAML timestamp with a type of its own): make the value a quoted string in SOPS, or leave it unencrypted`);
    fail('E_SOPS', 'a value looks like ENC[...] but is not a valid SOPS AES256_GCM value');
  }
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

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Whether an integer fits Go's int (64 bits), the only integers SOPS encrypts and decrypts. */
export const isInt64 = (n: bigint): boolean => n >= INT64_MIN && n <= INT64_MAX;

/**
 * Go's strconv.ParseFloat(s, 64) for the forms SOPS writes and YAML reads:
 * decimals, exponents, and the specials ("+Inf", "-Inf", "NaN", any case,
 * "infinity" too). Undefined for anything else, and for a finite text out of
 * range, which Go refuses (ErrRange).
 */
function parseGoFloat(text: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The bytes a value adds to the MAC (SOPS ToBytes: note "True"/"False" for
 * booleans). An integer past 64 bits counts as the float64 Go reads it as.
 */
export function macText(v: SopsValue): string | Uint8Array {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'bigint') return isInt64(v) ? v.toString() : goFloat(Number(v));
  return 'bytes' in v ? v.bytes : goFloat(v.float);
}

function plainOf(v: SopsValue): { data: string | Uint8Array; type: SopsType } {
  if (typeof v === 'string') return { data: v, type: 'str' };
  if (typeof v === 'boolean') return { data: v ? 'true' : 'false', type: 'bool' };
  if (typeof v === 'number') return Number.isInteger(v) ? { data: String(v), type: 'int' } : { data: goFloat(v), type: 'float' };
  if (typeof v === 'bigint') return { data: v.toString(), type: 'int' };
  return 'bytes' in v ? { data: v.bytes, type: 'str' } : { data: goFloat(v.float), type: 'float' };
}

/** A decrypted string: text when it is UTF-8, else its bytes. */
export function textOrBytes(b: Uint8Array): string | { bytes: Uint8Array } {
  try {
    return fromUtf8(b);
  } catch {
    return { bytes: new Uint8Array(b) };
  }
}

function valueOf(plain: Buffer, type: SopsType): SopsValue {
  if (type === 'str' || type === 'bytes') return textOrBytes(plain);
  const text = plain.toString('utf8');
  switch (type) {
    case 'comment':
      return text;
    case 'int':
    case 'int64': {
      // Go's strconv.Atoi: decimal digits with an optional sign, within 64 bits.
      if (!/^[+-]?\d+$/.test(text)) fail('E_SOPS', 'a SOPS value of type int does not hold an integer');
      const n = BigInt(text);
      if (!isInt64(n)) fail('E_SOPS', 'a SOPS value of type int does not fit in 64 bits (SOPS itself cannot decrypt it)');
      return Number.isSafeInteger(Number(n)) ? Number(n) : n;
    }
    case 'float': {
      const n = parseGoFloat(text);
      if (n === undefined) fail('E_SOPS', 'a SOPS value of type float does not hold a number');
      return { float: n };
    }
    case 'bool':
      if (!/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(text)) fail('E_SOPS', 'a SOPS value of type bool does not hold a boolean');
      return /^(1|t|T|TRUE|true|True)$/.test(text);
  }
}

export function encryptValue(v: SopsValue, key: Uint8Array, aad: string, iv: Uint8Array = randomBytes(32), asComment = false): string {
  const { data: plain, type } = plainOf(v);
  if (plain.length === 0 && !asComment && type === 'str') return '';
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([c.update(typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain), c.final()]);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  return `ENC[AES256_GCM,data:${b64(data)},iv:${b64(iv)},tag:${b64(c.getAuthTag())},type:${asComment ? 'comment' : type}]`;
}

/** Decrypts one ENC[...] value; a wrong key, path or edited ciphertext fails with E_SOPS_MAC (never the value). */
export function decryptValue(enc: string, key: Uint8Array, aad: string): { value: SopsValue; type: SopsType } {
  const p = parseEnc(enc);
  if (p.tag.length !== 16 || p.iv.length === 0) fail('E_SOPS', 'a SOPS value has a malformed iv or tag');
  let plain: Buffer;
  try {
    const d = createDecipheriv('aes-256-gcm', key, p.iv);
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(p.tag);
    plain = Buffer.concat([d.update(p.data), d.final()]);
  } catch {
    throw new GitsealError('E_SOPS_MAC', `a SOPS value at "${aad.slice(0, -1)}" does not decrypt: the data key is wrong or the file was modified`);
  }
  return { value: valueOf(plain, p.type), type: p.type };
}
