/**
 * Drives the project's key-agreement helpers N times (argv[2]) under
 * allocation pressure, the way the CLI, the rewrap client and the service use
 * them: a fresh ephemeral key and its public half, the service's response key,
 * the caller's response key, one sealed DEK. Run it with a small young
 * generation (--max-semi-space-size=1) so garbage collections happen in the
 * middle of key exports; Node 20's generateKeyPairSync deadlocks there.
 * Prints "ok N" and exits 0, or throws.
 */
import { clientResponseKey, openFromService, sealForCaller, serverResponseKey } from '../../core/crypto/rewrap-seal.js';
import { x25519Ephemeral } from '../../core/crypto/recipients/x25519.js';

const rounds = Number(process.argv[2] ?? 50_000);
const binding = { kid: 'k1', scope: 'ns/payments', docId: 'doc' };
const dek = new Uint8Array(32).fill(7);
let garbage: unknown[] = [];

for (let i = 0; i < rounds; i++) {
  const client = x25519Ephemeral();
  const { serverPublic, key } = serverResponseKey(client.publicKey);
  const sealed = sealForCaller(key, i % 1000, dek, binding);
  const opened = openFromService(clientResponseKey(client.privateKey, client.publicKey, serverPublic), i % 1000, sealed, binding);
  if (opened?.[0] !== 7) throw new Error(`round ${i}: the sealed DEK did not open`);
  for (let j = 0; j < 16; j++) garbage.push({ round: i, text: 'x'.repeat(j * 8), list: [i, j] });
  if (garbage.length > 20_000) garbage = [];
}
process.stdout.write(`ok ${rounds}\n`);
