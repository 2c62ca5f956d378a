/** The service's decisions: policy and audit. */
import type { AuthMethod } from '../auth/types.js';
import type { Operation } from '../protocol/types.js';

export interface Decision {
  allowed: boolean;
  /** Which rule decided (1-based index and optional name), or null for the default deny. */
  rule: { index: number; name?: string } | null;
  /** One line a human reads: why it was allowed or denied. */
  reason: string;
}

export interface Policy {
  decide(subject: string, scope: string, operation: Operation): Decision;
  /** The `requireSignatures` pattern that makes documents of this scope binding need a signature, or null when none does. */
  signaturesRequiredBy(scope: string): string | null;
}

// ---------------------------------------------------------------------------
// Audit (docs/ARCHITECTURE.md#audit)

/** One decision. No secret, DEK, envelope or token: only who, what and why. */
export interface AuditEvent {
  subject: string;
  method: AuthMethod | 'none';
  operation: Operation | 'authenticate';
  decision: 'allow' | 'deny';
  /** A WireCode for denials, 'ok' for allows. */
  reason: string;
  scope?: string;
  kid?: string;
  docId?: string;
  /** The document's writer key (rewrap), or the service's own key (sign). */
  writerKid?: string;
  /** The writer policy judged: a registered key's subject, or the subject the service signed for. */
  writer?: string;
  requestId: string;
  remote?: string;
}
