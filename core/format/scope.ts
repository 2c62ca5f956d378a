/**
 * Scopes (schemas/FORMAT.md §5): what a document's ciphertexts are bound to.
 * The binding string goes into every value's AAD, the DEK wrap and the MAC,
 * so an object renamed or moved out of its scope no longer decrypts.
 */
import { fail } from '../errors.js';

export const SCOPES = ['strict', 'namespace', 'cluster'] as const;
export type Scope = (typeof SCOPES)[number];

export function parseScope(s: unknown): Scope {
  if (typeof s === 'string' && (SCOPES as readonly string[]).includes(s)) return s as Scope;
  return fail('E_FORMAT', `scope must be one of ${SCOPES.join(', ')}`);
}

export interface ObjectIdentity {
  readonly name?: string | undefined;
  readonly namespace?: string | undefined;
}

/** `ns/name`, `ns/*` or `*`. Throws E_SCOPE when the identity lacks what the scope needs. */
export function scopeBinding(scope: Scope, id: ObjectIdentity): string {
  if (scope === 'cluster') return '*';
  if (!id.namespace) fail('E_SCOPE', `scope "${scope}" needs metadata.namespace: add it to the manifest or use --scope cluster`);
  if (scope === 'namespace') return `${id.namespace}/*`;
  if (!id.name) fail('E_SCOPE', 'scope "strict" needs metadata.name: add it to the manifest');
  return `${id.namespace}/${id.name}`;
}
