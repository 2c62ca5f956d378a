/**
 * Every parser of untrusted input, as a fuzz target (`npm run fuzz`,
 * test/fuzz.test.ts). A target is built only when it runs.
 */
import type { FuzzTarget, TargetEntry } from './target.js';

/** A target's input type matters only inside it. */
const entry = <T>(name: string, make: () => Promise<FuzzTarget<T>>): TargetEntry => ({ name, make: make as () => Promise<FuzzTarget<unknown>> });

export const TARGETS: readonly TargetEntry[] = [
  entry('encrypted-yaml', async () => (await import('./targets/encrypted.js')).encryptedYamlTarget()),
  entry('encrypted-json', async () => (await import('./targets/encrypted.js')).encryptedJsonTarget()),
  entry('envelope-signature', async () => (await import('./targets/encrypted.js')).envelopeSignatureTarget()),
  entry('recipient', async () => (await import('./targets/strings.js')).recipientTarget()),
  entry('writer', async () => (await import('./targets/strings.js')).writerTarget()),
  entry('writer-key-file', async () => (await import('./targets/writer-files.js')).writerKeyFileTarget()),
  entry('trust-file', async () => (await import('./targets/writer-files.js')).trustFileTarget()),
  entry('rewrap-request', async () => (await import('./targets/rewrap-protocol.js')).rewrapRequestTarget()),
  entry('rewrap-response', async () => (await import('./targets/rewrap-protocol.js')).rewrapResponseTarget()),
  entry('jwt', async () => (await import('./targets/auth.js')).jwtTarget()),
  entry('jwks', async () => (await import('./targets/auth.js')).jwksTarget()),
  entry('signed-request', async () => (await import('./targets/auth.js')).signedRequestTarget()),
  entry('policy', async () => (await import('./targets/config-files.js')).policyTarget()),
  entry('service-config', async () => (await import('./targets/config-files.js')).serviceConfigTarget()),
  entry('gitseal-config', async () => (await import('./targets/config-files.js')).gitsealConfigTarget()),
  entry('sops', async () => (await import('./targets/migrate.js')).sopsTarget()),
  entry('sealed-secrets', async () => (await import('./targets/migrate.js')).sealedSecretsTarget()),
  entry('sealing-keys', async () => (await import('./targets/migrate.js')).sealingKeysTarget()),
];
