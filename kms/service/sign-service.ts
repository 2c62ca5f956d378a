/**
 * Signing for an authenticated caller (POST /v1/sign,
 * docs/ARCHITECTURE.md#writers): per document, the kill switch, then the
 * policy must grant the caller `write` on the document's scope; the allowed
 * documents are signed by the service's writer key on the unwrap workers,
 * naming the caller as the subject, so a reader who trusts the service's key
 * with `signsFor` knows who wrote it. Every decision is audited (fsynced)
 * before any signature leaves the service. A service without a writer key
 * refuses every document with not_found, so a client that asks on the chance
 * (the CLI of someone without a writer key) writes unsigned where it may.
 */
import type { WriterPublic } from '../../core/crypto/writer-key.js';
import { signatureToDisk } from '../../core/format/encrypted-document.js';
import { signedMessage } from '../../core/format/signature.js';
import { signedFieldsOfItem } from '../protocol/rewrap-item.js';
import type { SignRequest, SignResponse, SignResult, WireCode } from '../protocol/types.js';
import type { Keyring } from './keyring.js';
import { itemAuditEvent, type Auditor, type RewrapContext } from './rewrap-service.js';
import type { Policy } from './types.js';

/** The worker pool as the signer uses it. */
export interface Signer {
  sign(messages: readonly Uint8Array[]): Promise<Uint8Array[]>;
}

/** What a reader accepts as a signature's subject (schemas/FORMAT.md §13): 1–256 printable characters. */
const NAMEABLE = (s: string): boolean => s.length >= 1 && s.length <= 256 && !/[\p{Cc}\p{Cf}\uFFFD]/u.test(s);

export class SignService {
  constructor(
    private readonly keyring: Pick<Keyring, 'state'>,
    private readonly signer: Signer,
    /** The service's writer key; null when it has none, and then every document is refused with not_found. */
    private readonly key: WriterPublic | null,
    private readonly policy: () => Policy,
    private readonly audit: Auditor,
  ) {}

  async sign(req: SignRequest, ctx: RewrapContext): Promise<SignResponse> {
    const subject = ctx.caller.subject;
    const policy = this.policy();
    const kid = this.key?.kid;
    const results: SignResult[] = new Array(req.items.length);
    const messages: Uint8Array[] = [];
    const indexes: number[] = [];
    const refuse = (i: number, error: WireCode, message: string): void => void (results[i] = { ok: false, error, message });
    req.items.forEach((item, i) => {
      if (kid === undefined) return refuse(i, 'not_found', 'this service has no writer key (writerKey in its configuration), so it signs nothing');
      if (this.keyring.state !== 'ready') return refuse(i, 'root_revoked', 'the root of trust refuses (kill switch): the service signs nothing now');
      if (!NAMEABLE(subject)) return refuse(i, 'bad_request', 'your subject is not 1-256 printable characters, so no signature can name it');
      if (!policy.decide(subject, item.scope, 'write').allowed) return refuse(i, 'denied', `denied by policy: write on scope ${item.scope} (subject ${subject})`);
      let message: Uint8Array;
      try {
        message = signedMessage(signedFieldsOfItem(item), kid, subject);
      } catch {
        return refuse(i, 'bad_request', 'the signed fields are not base64url');
      }
      messages.push(message);
      indexes.push(i);
    });
    if (messages.length) {
      const signatures = await this.signer.sign(messages);
      signatures.forEach((bytes, j) => (results[indexes[j]!] = { ok: true, signature: signatureToDisk({ kid: kid!, subject, bytes }) }));
    }
    await this.audit.append(req.items.map((item, i) => itemAuditEvent(ctx, subject, 'write', item, results[i]!, { ...(kid === undefined ? {} : { writerKid: kid }), writer: subject })));
    return { items: results };
  }
}
