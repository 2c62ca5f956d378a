/**
 * Keys from the rewrap service (GITSEAL_SERVER;
 * docs/ARCHITECTURE.md#decrypting-on-a-laptop-or-in-ci): before a command
 * opens its files, every document's envelope is sent to the service in
 * batches, and the DEKs that come back stand behind one Identity per org key,
 * so the rest of the command runs as with a local keystore. A refusal
 * (denied, revoked, kill switch) is thrown when that document is opened, with
 * the service's reason.
 */
import { rewrapItemFor } from '../kms/protocol/rewrap-item.js';
import { b64url } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import { bindingOf, type EncryptedDocument } from '../core/format/encrypted-document.js';
import { parseEncrypted } from '../core/format/encrypted-store.js';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import type { Identity, Recipient, RecipientStanza, WrapContext } from '../core/crypto/recipients/types.js';
import type { UnwrapResult } from '../kms/client/client.js';
import { clientFromEnv } from '../kms/client/client-env.js';
import type { RewrapItem } from '../kms/protocol/types.js';

const lookupKey = (stanza: RecipientStanza, ctx: WrapContext): string => `${stanza.kid}|${stanza.enc}|${stanza.dek}|${ctx.scopeBinding}|${b64url(ctx.docId)}`;

class ServiceIdentity implements Identity {
  readonly kid: string;
  readonly alg: Identity['alg'];
  constructor(readonly recipient: Recipient, private readonly answers: ReadonlyMap<string, UnwrapResult>) {
    this.kid = recipient.kid;
    this.alg = recipient.alg;
  }

  unwrap(stanza: RecipientStanza, ctx: WrapContext): Uint8Array | null {
    if (stanza.kid !== this.kid) return null;
    const r = this.answers.get(lookupKey(stanza, ctx));
    if (!r) return null;
    return r.ok ? r.dek.slice() : fail(r.code, r.message);
  }
}

function documentsOf(text: string): EncryptedDocument[] {
  try {
    return parseEncrypted(text).docs;
  } catch {
    return []; // opening the file reports what is wrong with it
  }
}

/** Identities backed by the rewrap service for the documents of `texts`. */
export async function serviceIdentities(texts: readonly string[]): Promise<Identity[]> {
  const client = clientFromEnv();
  try {
    const keys = await client.keys();
    const kids = new Set(keys.map((k) => k.kid));
    const items: RewrapItem[] = [];
    const keysOfItems: string[] = [];
    const seen = new Set<string>();
    for (const doc of texts.flatMap(documentsOf)) {
      const stanza = doc.envelope.recipients.find((s) => kids.has(s.kid));
      if (!stanza) continue;
      const ctx = { scopeBinding: bindingOf(doc), docId: doc.envelope.docId };
      const key = lookupKey(stanza, ctx);
      if (seen.has(key)) continue;
      seen.add(key);
      keysOfItems.push(key);
      items.push(rewrapItemFor(doc, stanza));
    }
    const results = items.length ? await client.unwrapSettled(items) : [];
    const answers = new Map<string, UnwrapResult>();
    keysOfItems.forEach((key, i) => answers.set(key, results[i]!));
    return keys.map((k) => new ServiceIdentity(parseRecipient(k.recipient), answers));
  } finally {
    client.close();
  }
}
