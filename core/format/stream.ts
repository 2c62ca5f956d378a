/**
 * Whole files: a YAML stream (or one JSON document) in, encrypted text out,
 * and back. Each document gets its own DEK and envelope (schemas/FORMAT.md §2).
 */
import { defaultRandom, draw, type RandomSource } from '../bytes.js';
import { fail } from '../errors.js';
import { FILE_ID_LENGTH, firstRepeat, GENERIC_KEY, isEncryptedObject, objectKeyOf, type EncryptedDocument } from './encrypted-document.js';
import { detectFormat, emitEncrypted, parseEncrypted, type FileFormat } from './encrypted-store.js';
import { checkSecret, isSecretManifest, SECRET_MAX_BYTES } from './k8s-secret.js';
import type { Path } from './name-tokens.js';
import { renderChunks } from './plain-document.js';
import type { Identity, Recipient } from '../crypto/recipients/types.js';
import type { Scope } from './scope.js';
import { openDocument, sealDocument, unwrapDek, type OpenedDocument, type SealInput } from './seal.js';
import { signDocument, type DocumentSigner } from './signature.js';
import { parsePlainStream, type ParsedPlain } from './yaml-store.js';

export interface EncryptOptions {
  readonly recipients: readonly Recipient[];
  /** One scope for every Secret of the file, or each document's own (by index). */
  readonly scope: Scope | ((index: number) => Scope);
  /** Generic files: paths copied readable beside the ciphertext (e.g. apiVersion, kind, metadata). */
  readonly readablePaths?: readonly Path[];
  /** The file as it is now, opened: unchanged values keep their ciphertext. Matched by document position. */
  readonly previous?: readonly OpenedDocument[];
  readonly rotate?: boolean;
  /** A new DEK for the documents whose previous version this picks (e.g. one a removed writer sealed, who knows its DEK). */
  readonly renewKey?: ((previous: OpenedDocument) => boolean) | undefined;
  readonly keepRecipients?: boolean;
  /** New file id, document ids and DEKs although `previous` is given: the file is a copy of another. */
  readonly newIds?: boolean;
  /** Signs each document whose MAC changed; one whose MAC did not keeps its signature. */
  readonly signer?: DocumentSigner | undefined;
  /** Called after each document, for progress on long runs. */
  readonly onDocument?: (done: number, total: number) => void;
  /** Randomness for document ids, DEKs, nonces and wraps; node:crypto when absent (see SealOptions.random). */
  readonly random?: RandomSource;
}

/** Decides how one plaintext document is sealed: a Secret becomes an EncryptedSecret, anything else generic. */
export function sealInputOf(p: ParsedPlain, index: number, opts: Pick<EncryptOptions, 'scope' | 'readablePaths'>): SealInput {
  const kind = p.top('kind');
  const apiVersion = p.top('apiVersion');
  const generic = p.top(GENERIC_KEY);
  if (isEncryptedObject({ kind, apiVersion }) || (typeof generic === 'object' && generic !== null))
    fail('E_ALREADY_ENCRYPTED', `document ${index + 1} is already encrypted (or uses the top-level key "${GENERIC_KEY}", which gitseal reserves): use "gitseal edit" or "gitseal set" to change it`);
  const secret = kind === 'Secret' && apiVersion === 'v1';
  if (secret) {
    const size = p.chunks.reduce((n, c) => n + c.length, 0) + p.leaves.reduce((n, l) => n + l.raw.length, 0);
    if (size > 2 * SECRET_MAX_BYTES) fail('E_TOO_LARGE', `Secret document ${index + 1} is ${size} bytes; a Secret holds at most ${SECRET_MAX_BYTES}`);
    const js = p.toJS();
    if (!isSecretManifest(js)) fail('E_SECRET_INVALID', `document ${index + 1} is not a valid Secret`);
    const identity = checkSecret(js as Record<string, unknown>);
    return { plain: p, mode: 'secret', identity, readable: {}, scope: typeof opts.scope === 'function' ? opts.scope(index) : opts.scope };
  }
  if (generic !== undefined) fail('E_UNSUPPORTED', `document ${index + 1} has a top-level "${GENERIC_KEY}" key, which gitseal reserves`);
  const readable: Record<string, unknown> = {};
  if (opts.readablePaths?.length) {
    const js = p.toJS();
    for (const path of opts.readablePaths) copyPath(js, readable, path);
  }
  return { plain: p, mode: 'generic', identity: {}, readable, scope: 'cluster' };
}

function copyPath(from: unknown, to: Record<string, unknown>, path: Path): void {
  let src: unknown = from;
  for (const seg of path) {
    if (typeof src !== 'object' || src === null) return;
    src = (src as Record<string | number, unknown>)[seg];
  }
  if (src === undefined) return;
  let dst: Record<string, unknown> = to;
  path.forEach((seg, i) => {
    const k = String(seg);
    if (i === path.length - 1) dst[k] = src;
    else {
      if (typeof dst[k] !== 'object' || dst[k] === null) dst[k] = {};
      dst = dst[k] as Record<string, unknown>;
    }
  });
}

export function encryptStream(text: string, opts: EncryptOptions): string {
  const plain = parsePlainStream(text);
  // A YAML stream may start with a flow mapping; only a single document can be written back as JSON.
  const format: FileFormat = plain.length === 1 ? detectFormat(text) : 'yaml';
  const inputs = plain.map((p, i) => sealInputOf(p, i, opts));
  refuseSameObjectTwice(inputs);
  const previous = matchPrevious(inputs, opts.previous ?? []);
  return emitEncrypted(sealFile(inputs, previous, opts), format);
}

/**
 * Seals a file's documents in order, each bound to the file id and to the document before it
 * (schemas/FORMAT.md §2); a file with a previous version keeps its file id.
 */
export function sealFile(
  inputs: readonly SealInput[],
  previous: ReadonlyArray<OpenedDocument | undefined>,
  opts: Pick<EncryptOptions, 'recipients' | 'rotate' | 'renewKey' | 'keepRecipients' | 'newIds' | 'signer' | 'onDocument' | 'random'> & { readonly fileId?: Uint8Array | undefined },
): EncryptedDocument[] {
  const known = opts.newIds ? undefined : (opts.fileId ?? previous.find((p) => p !== undefined)?.doc.envelope.file.fileId);
  const fileId = known ?? draw(opts.random ?? defaultRandom, FILE_ID_LENGTH, 'file id');
  let after: Uint8Array | null = null;
  return inputs.map((input, i) => {
    const file = { fileId, after, last: i === inputs.length - 1 };
    const prev = previous[i];
    const rotate = opts.rotate || (prev !== undefined && opts.renewKey?.(prev) === true);
    const sealed = sealDocument(input, { recipients: opts.recipients, previous: prev, rotate, keepRecipients: opts.keepRecipients, newIds: opts.newIds, file, random: opts.random });
    after = sealed.envelope.docId;
    opts.onDocument?.(i + 1, inputs.length);
    return sealed.envelope.signature || !opts.signer ? sealed : signDocument(sealed, opts.signer);
  });
}

/** Two Secrets of one namespace and name in a file: Kubernetes would apply the last, and the file could not be read back. */
function refuseSameObjectTwice(inputs: readonly SealInput[]): void {
  const twice = firstRepeat(inputs, objectKeyOf);
  if (twice) fail('E_SECRET_INVALID', `documents ${twice.first + 1} and ${twice.second + 1} are both the Secret ${twice.key}: keep one`);
}

/**
 * Pairs each new document with its earlier version: a Secret by its
 * namespace and name, anything else by position, so adding or removing a
 * document does not disturb the others' ciphertexts.
 */
export function matchPrevious(inputs: readonly SealInput[], previous: readonly OpenedDocument[]): Array<OpenedDocument | undefined> {
  const taken = new Set<number>();
  const idOf = (mode: string, id: { name?: string | undefined; namespace?: string | undefined }) => `${mode}:${id.namespace ?? ''}/${id.name ?? ''}`;
  const byIdentity = inputs.map((input) => {
    if (input.mode !== 'secret') return undefined;
    const j = previous.findIndex((p, k) => !taken.has(k) && p.doc.mode === 'secret' && idOf('secret', p.doc.identity) === idOf('secret', input.identity));
    if (j < 0) return undefined;
    taken.add(j);
    return previous[j];
  });
  return inputs.map((input, i) => {
    if (byIdentity[i]) return byIdentity[i];
    const p = previous[i];
    if (!p || taken.has(i) || p.doc.mode !== input.mode || input.mode === 'secret') return undefined;
    taken.add(i);
    return p;
  });
}

/** Parses an encrypted file and opens every document with the identities at hand. */
export function openStream(text: string, identities: readonly Identity[]): { opened: OpenedDocument[]; format: FileFormat } {
  const { docs, format } = parseEncrypted(text);
  return { opened: openAll(docs, identities), format };
}

/** Opens parsed documents with the identities at hand. */
export const openAll = (docs: readonly EncryptedDocument[], identities: readonly Identity[]): OpenedDocument[] => docs.map((d) => openDocument(d, unwrapDek(d, identities)));

export function renderOpened(opened: readonly OpenedDocument[]): string {
  return opened.map((o) => renderChunks(o.chunks, o.raws)).join('');
}

export function decryptStream(text: string, identities: readonly Identity[]): string {
  return renderOpened(openStream(text, identities).opened);
}
