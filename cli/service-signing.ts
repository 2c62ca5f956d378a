/**
 * Signing through the rewrap service (POST /v1/sign): a person with no
 * writer key of their own, but credentials for the service (GITSEAL_SERVER),
 * has the service sign what they write. It checks `write` on each document's
 * scope and signs with its own key, naming them as the subject.
 */
import { fail } from '../core/errors.js';
import { signatureFromDisk } from '../core/format/encrypted-document.js';
import { emitEncrypted, parseEncrypted } from '../core/format/encrypted-store.js';
import { signItemFor } from '../kms/protocol/rewrap-item.js';

/**
 * Has the service sign every document of `text` that has no signature. A refusal fails the write when
 * signatures are required; otherwise the document stays unsigned, with a warning.
 */
export async function signWithService(text: string, required: boolean): Promise<string> {
  const { docs, format } = parseEncrypted(text);
  const unsigned = docs.flatMap((d, i) => (d.envelope.signature ? [] : [i]));
  if (unsigned.length === 0) return text;
  const { clientFromEnv } = await import('../kms/client/client-env.js');
  const client = clientFromEnv();
  try {
    const outcomes = await client.sign(unsigned.map((i) => signItemFor(docs[i]!)));
    outcomes.forEach((o, k) => {
      const i = unsigned[k]!;
      if (o.ok) docs[i] = { ...docs[i]!, envelope: { ...docs[i]!.envelope, signature: signatureFromDisk(o.signature, `the service's signature for document ${i + 1}`) } };
      else if (required) fail(o.code, `document ${i + 1}: the rewrap service did not sign it (${o.message}); nothing was written`);
      else process.stderr.write(`gitseal: document ${i + 1} is written unsigned: the rewrap service did not sign it (${o.message})\n`);
    });
  } finally {
    client.close();
  }
  return emitEncrypted(docs, format);
}
