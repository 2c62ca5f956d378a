/**
 * Whole-file vectors (schemas/FORMAT.md §2–§10): plaintext in, exact
 * encrypted text out under a fixed random stream and fixed keys, plus
 * corrupted copies that must fail with a given error code.
 */
import { encryptStream } from '../../core/format/stream.js';
import type { ErrorCode } from '../../core/errors.js';
import type { Path } from '../../core/format/name-tokens.js';
import type { Scope } from '../../core/format/scope.js';
import { changeChar, fixedKey, identityOf, nonCanonical, RANDOM_SPEC, seededRandom, type KeyName } from './kit.js';

export interface FileVector {
  name: string;
  description: string;
  /** Present on success vectors: how `encrypted` was made. */
  seed?: string;
  recipients?: KeyName[];
  scope?: Scope;
  readable?: Path[];
  plaintext?: string;
  encrypted: string;
  /** The keys (see keys.json) given to decrypt; all of them at once. */
  decrypt_with: KeyName[];
  expect: 'success' | 'failure';
  error?: ErrorCode;
}

export interface FileVectorSet {
  description: string;
  random: string;
  vectors: FileVector[];
}

interface Case {
  name: string;
  description: string;
  recipients: KeyName[];
  scope: Scope;
  readable?: Path[];
  plaintext: string;
}

/** Encrypts a case with its own seed; the same inputs always give the same text. */
export function encryptCase(c: Pick<FileVector, 'seed' | 'recipients' | 'scope' | 'readable' | 'plaintext'>): string {
  return encryptStream(c.plaintext!, {
    recipients: c.recipients!.map((k) => identityOf(fixedKey(k)).recipient),
    scope: c.scope!,
    readablePaths: c.readable,
    random: seededRandom(c.seed!),
  });
}

function success(c: Case, decryptWith: KeyName[] = c.recipients): FileVector {
  const seed = `gitseal/vectors/${c.name}`;
  const v = { ...c, seed };
  return { ...v, encrypted: encryptCase(v), decrypt_with: decryptWith, expect: 'success' };
}

/** Applies `edit` to the first line that starts with `prefix` (after the `skip`-th match). */
export function editLine(text: string, prefix: string, edit: (line: string) => string, skip = 0): string {
  const lines = text.split('\n');
  let seen = 0;
  const i = lines.findIndex((l) => l.startsWith(prefix) && seen++ === skip);
  if (i < 0) throw new Error(`no line starts with ${JSON.stringify(prefix)}`);
  lines[i] = edit(lines[i]!);
  return lines.join('\n');
}

/** Edits the value after `: ` on a line. */
export const editValue = (edit: (v: string) => string) => (line: string): string => {
  const at = line.indexOf(': ') + 2;
  return line.slice(0, at) + edit(line.slice(at));
};

function failure(base: FileVector, name: string, description: string, encrypted: string, error: ErrorCode, decryptWith = base.decrypt_with): FileVector {
  if (encrypted === base.encrypted && decryptWith === base.decrypt_with) throw new Error(`${name}: the mutation changed nothing`);
  return { name: `${base.name}/${name}`, description, encrypted, decrypt_with: decryptWith, expect: 'failure', error };
}

const SECRET = `# Database credentials for the payments service.
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: payments
  labels:
    app: "payments"   # a quoted label
type: Opaque
stringData:
  username: 'app_user'
  password: "s3cr3t: with \\"quotes\\" and a # hash"
  config.yaml: |
    host: db.internal
    port: 5432
  motd: >-
    folded
    text
  empty: ""
data:
  token: dG9wc2VjcmV0   # base64 of "topsecret"
`;

function secretSet(): FileVectorSet {
  const base = success({ name: 'secret', description: 'A Secret with comments, quotes, a literal and a folded block scalar; scope strict.', recipients: ['hybrid'], scope: 'strict', plaintext: SECRET });
  const t = base.encrypted;
  const swapped = (() => {
    const lines = t.split('\n');
    const [a, b] = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('    t.'));
    const val = (l: string) => l.slice(l.indexOf(': ') + 2);
    const key = (l: string) => l.slice(0, l.indexOf(': ') + 2);
    lines[a![1]] = key(a![0]) + val(b![0]);
    lines[b![1]] = key(b![0]) + val(a![0]);
    return lines.join('\n');
  })();
  return {
    description: 'Secret manifests: encrypt with the seeded random stream, decrypt back byte for byte; corrupted copies must fail.',
    random: RANDOM_SPEC,
    vectors: [
      base,
      failure(base, 'value-changed', 'one character of the first value ciphertext changed', editLine(t, '    t.', editValue((v) => changeChar(v, 20))), 'E_TAMPERED'),
      failure(base, 'values-swapped', 'the ciphertexts of the first two entries swapped', swapped, 'E_TAMPERED'),
      failure(base, 'entry-removed', 'the last encryptedData entry removed', t.split('\n').filter((l, i, all) => !(l.startsWith('    t.') && !all[i + 1]!.startsWith('    t.'))).join('\n'), 'E_TAMPERED'),
      failure(base, 'layout-changed', 'one character of the layout changed', editLine(t, '  layout: ', editValue((v) => changeChar(v, 30))), 'E_TAMPERED'),
      failure(base, 'mac-changed', 'the last character of the MAC changed', editLine(t, '    mac: ', editValue((v) => changeChar(v, -1))), 'E_TAMPERED'),
      failure(base, 'namespace-changed', 'metadata.namespace edited: the object moved to another namespace', editLine(t, '  namespace: ', () => '  namespace: billing'), 'E_TAMPERED'),
      failure(base, 'scope-changed', 'spec.scope widened from strict to namespace', editLine(t, '  scope: ', () => '  scope: namespace'), 'E_TAMPERED'),
      failure(base, 'kid-changed', 'the recipient kid changed: no key at hand is named', editLine(t, '      - kid: ', () => '      - kid: org-0000000000000000'), 'E_NO_KEY'),
      failure(base, 'dek-changed', 'one character of the wrapped DEK changed', editLine(t, '        dek: ', editValue((v) => changeChar(v, 5))), 'E_TAMPERED'),
      failure(base, 'id-noncanonical', 'the unused low bits of the envelope id set: not canonical base64url', editLine(t, '    id: ', editValue(nonCanonical)), 'E_FORMAT'),
      failure(base, 'version-2', 'envelope version 2', editLine(t, '    version: ', () => '    version: 2'), 'E_VERSION'),
      failure(base, 'wrong-key', 'decrypted with a key the file is not for', t, 'E_NO_KEY', ['pq']),
    ],
  };
}

const GENERIC = `# Application settings (not a Secret): identity readable, values hidden.
apiVersion: apps.example.com/v1
kind: AppConfig
metadata:
  name: checkout
  labels: {team: payments, tier: "backend"}
spec:
  database:
    url: "postgres://checkout:pw@db:5432/checkout"
    pool: 10
  features: [fast-checkout, 'gift-cards']
  banner: >
    Welcome to
    the shop
  empty:
  nothing: null
  ünïcode-kéy: ☃
`;

function genericSet(): FileVectorSet {
  const readable: Path[] = [['apiVersion'], ['kind'], ['metadata', 'name']];
  const base = success({ name: 'generic', description: 'A generic YAML file with apiVersion, kind and metadata.name left readable.', recipients: ['hybrid'], scope: 'cluster', readable, plaintext: GENERIC });
  return {
    description: 'Generic YAML: every value encrypted, chosen paths copied readable and bound by the MAC.',
    random: RANDOM_SPEC,
    vectors: [
      base,
      failure(base, 'readable-changed', 'the readable metadata.name edited', editLine(base.encrypted, '  name: ', () => '  name: other'), 'E_TAMPERED'),
    ],
  };
}

const MULTI = `%YAML 1.2
---
# first: a Secret
apiVersion: v1
kind: Secret
metadata: {name: api-key, namespace: shop}
stringData:
  key: abc123def456
---
# second: generic
replicas: 3
image: "registry.example.com/shop:1.2.3"
...
---
apiVersion: v1
kind: Secret
metadata:
  name: tls
  namespace: shop
type: kubernetes.io/tls
data:
  tls.crt: Y2VydGlmaWNhdGU=
  tls.key: a2V5
`;

function multiSet(): FileVectorSet {
  const base = success({ name: 'multi-document', description: 'Three documents (Secret, generic, Secret) with a %YAML directive, comments and a "..." end marker; each gets its own DEK.', recipients: ['hybrid'], scope: 'namespace', plaintext: MULTI });
  const docs = base.encrypted.split('---\n');
  const firstValue = docs[0]!.split('\n').find((l) => l.startsWith('    t.'))!;
  docs[1] = editLine(docs[1]!, '    t.', editValue(() => firstValue.slice(firstValue.indexOf(': ') + 2)));
  const copied = docs.join('---\n');
  return {
    description: 'Multi-document YAML streams.',
    random: RANDOM_SPEC,
    vectors: [
      base,
      failure(base, 'ciphertext-from-other-document', "a value ciphertext of document 1 copied over one of document 2's", copied, 'E_TAMPERED'),
    ],
  };
}

const JSON_FILE = `{
  "database": {"user": "app", "password": "correct horse battery staple"},
  "replicas": 3,
  "debug": false,
  "tags": ["a", "b"],
  "nothing": null
}
`;

function jsonSet(): FileVectorSet {
  const base = success({ name: 'json', description: 'A JSON file: encrypted output is JSON too.', recipients: ['hybrid'], scope: 'cluster', plaintext: JSON_FILE });
  const mac = /"mac": "([^"]+)"/.exec(base.encrypted)![1]!;
  return {
    description: 'JSON files (generic mode).',
    random: RANDOM_SPEC,
    vectors: [base, failure(base, 'mac-changed', 'one character of the MAC changed', base.encrypted.replace(mac, changeChar(mac, 3)), 'E_TAMPERED')],
  };
}

const PQ_SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: pq
  namespace: vault
stringData:
  seed: "post-quantum only"
`;

function mlkemSet(): FileVectorSet {
  const only = success({ name: 'mlkem1024', description: 'A Secret wrapped to the pure post-quantum mlkem1024 key only.', recipients: ['pq'], scope: 'strict', plaintext: PQ_SECRET });
  const both = success({ name: 'mlkem1024-and-hybrid', description: 'Wrapped to both keys; decrypted with the mlkem1024 key alone.', recipients: ['hybrid', 'pq'], scope: 'strict', plaintext: PQ_SECRET }, ['pq']);
  return {
    description: 'The mlkem1024 (pure ML-KEM-1024) recipient.',
    random: RANDOM_SPEC,
    vectors: [
      only,
      both,
      { ...both, name: 'mlkem1024-and-hybrid/hybrid', description: 'The same file decrypted with the hybrid key alone.', decrypt_with: ['hybrid'] },
      failure(only, 'enc-changed', 'one character of the ML-KEM ciphertext changed (implicit rejection gives a wrong key)', editLine(only.encrypted, '        enc: ', editValue((v) => changeChar(v, 100))), 'E_TAMPERED'),
      failure(only, 'wrong-key', 'decrypted with the hybrid key only', only.encrypted, 'E_NO_KEY', ['hybrid']),
    ],
  };
}

/** Every whole-file vector set, by file name. */
export function fileVectorSets(): Record<string, FileVectorSet> {
  return {
    'secret.json': secretSet(),
    'generic.json': genericSet(),
    'multi-document.json': multiSet(),
    'json.json': jsonSet(),
    'mlkem1024.json': mlkemSet(),
  };
}
