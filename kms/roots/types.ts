/** What a root of trust is to the service: it seals and unseals the org private key at rest. */


/**
 * Seals the org private key at rest. `context` (e.g. 'gitseal/org-key/v1:org-…')
 * is bound as AAD / encryption context, so a sealed key cannot be swapped
 * for another kid.
 */
export interface RootOfTrust {
  /** Its module's kind (kms/roots/index.ts ROOT_MODULES). */
  readonly kind: string;
  /** For logs and /readyz: names the key, never a secret or PIN. */
  readonly description: string;
  seal(plaintext: Uint8Array, context: string): Promise<Uint8Array>;
  /**
   * Throws GitsealError E_ROOT_REVOKED when the root refuses (key disabled,
   * scheduled for deletion, destroyed, access denied, token or key object
   * gone) and E_ROOT when it cannot be reached or is misconfigured. Never
   * puts the plaintext or the PIN in an error.
   */
  unseal(sealed: Uint8Array, context: string): Promise<Uint8Array>;
  close(): Promise<void>;
}
