/**
 * Who may write a Secret (issue 14): the controller trusts the writers in its
 * own trust file, never the repository. An attacker with push access (or
 * with apply rights on EncryptedSecrets) seals a document to the org key's
 * public recipient, unsigned or signed with their own writer key, or copies
 * a trusted writer's signature onto it; with signatures required, each leaves
 * the Secret as a trusted writer made it, with the reason in Ready, Stalled
 * for kstatus, a Warning Event and the refusal counted. A trusted writer's
 * document is applied and named in status.writer. The trust file is read
 * again when it changes, and what it then trusts is applied.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTrustFile } from '../core/crypto/writer-file.js';
import { generateWriterSecret, writerFromSecret } from '../core/crypto/writer-key.js';
import type { Controller } from '../controller/controller.js';
import type { EncryptedSecretObject } from '../controller/encrypted-secret.js';
import { TrustFile } from '../controller/writer-trust.js';
import { secretManifest, startControllerEnv, until, type ControllerEnv } from './helpers/controller-env.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const ready = (cr: EncryptedSecretObject | undefined) => cr?.status?.conditions?.find((c) => c.type === 'Ready');
const alice = { ...writerFromSecret(generateWriterSecret()), subject: 'alice' };
const mallory = { ...writerFromSecret(generateWriterSecret()), subject: 'mallory' };

describe('the controller trusts only the writers of its own trust file', () => {
  let env: ControllerEnv;
  let controller: Controller;
  let dir: string;
  let trustPath: string;
  const writeTrust = (requireSignatures: boolean, writers: Array<{ name: string; key: typeof alice }>) => writeFileSync(trustPath, encodeTrustFile({ requireSignatures, writers }));
  const manifest = (password: string) => secretManifest('payments', 'db', { password });
  const events = (reason: string) => env.k8s.list('v1', 'Event', 'payments').filter((e) => (e as { reason?: string }).reason === reason) as Array<{ message: string; involvedObject: { name: string } }>;
  const failures = (reason: string) => Number(new RegExp(`^gitseal_controller_decrypt_failures_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(controller.metrics.registry.render())?.[1] ?? 0);

  /** Replaces the EncryptedSecret and waits for the controller to say `reason` about this generation. */
  async function apply(cr: EncryptedSecretObject, reason: string): Promise<void> {
    const { metadata } = await env.replaceCr(cr);
    await until(`${reason} for generation ${metadata.generation}`, () => {
      const live = env.getCr('payments', 'db');
      return ready(live)?.reason === reason && ready(live)?.observedGeneration === metadata.generation;
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gitseal-trust-'));
    trustPath = join(dir, 'trust.yaml');
    writeTrust(true, [{ name: 'alice', key: alice }]);
    env = await startControllerEnv();
    controller = await env.startController({ trust: new TrustFile(trustPath, { log: () => {}, pollMs: 50 }) });
    await env.createCr(env.encrypt(manifest('from-alice'), { signer: alice }));
    await until('the Secret alice wrote', () => env.getSecret('payments', 'db')?.data?.password === b64('from-alice'));
  });
  afterAll(async () => {
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies a trusted writer's document and names the writer in its status", async () => {
    await until('Ready', () => ready(env.getCr('payments', 'db'))?.status === 'True');
    expect(env.getCr('payments', 'db')!.status!.writer).toBe(`alice (${alice.kid})`);
  });

  it.each([
    ['sealed to the public recipient, unsigned', () => env.encrypt(manifest('forged-1')), 'Unsigned'],
    ["signed with the attacker's own writer key", () => env.encrypt(manifest('forged-2'), { signer: mallory }), 'UntrustedWriter'],
    [
      "carrying a signature copied from alice's document",
      () => {
        const forged = env.encrypt(manifest('forged-3'));
        const signed = env.encrypt(manifest('from-alice'), { signer: alice });
        (forged.spec as { envelope: { signature?: string } }).envelope.signature = (signed.spec as { envelope: { signature: string } }).envelope.signature;
        return forged;
      },
      'Tampered',
    ],
  ])('a forged EncryptedSecret %s leaves the Secret as alice wrote it (%s)', async (_what, forge, reason) => {
    const before = env.getSecret('payments', 'db')!;
    const counted = failures(reason);
    await apply(forge(), reason);
    const cr = env.getCr('payments', 'db')!;
    expect(ready(cr)).toMatchObject({ status: 'False', reason });
    expect(cr.status!.conditions!.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True', reason });
    // The Secret is untouched, and the status still names who wrote what it holds.
    expect(env.getSecret('payments', 'db')!.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(env.getSecret('payments', 'db')!.data!.password).toBe(b64('from-alice'));
    expect(cr.status!.writer).toBe(`alice (${alice.kid})`);
    await until(`a ${reason} event`, () => events(reason).some((e) => e.involvedObject.name === 'db'));
    expect(failures(reason)).toBeGreaterThan(counted);
  });

  it('applies what the trust file trusts once it changes, without a restart', async () => {
    await apply(env.encrypt(manifest('from-mallory'), { signer: mallory }), 'UntrustedWriter');
    writeTrust(true, [
      { name: 'alice', key: alice },
      { name: 'mallory', key: mallory },
    ]);
    await until("mallory's Secret", () => env.getSecret('payments', 'db')?.data?.password === b64('from-mallory'));
    await until('the writer in the status', () => env.getCr('payments', 'db')?.status?.writer === `mallory (${mallory.kid})`);
    expect(ready(env.getCr('payments', 'db'))?.status).toBe('True');
  });

  it('with signatures not required, applies an unsigned document with one Warning event and no writer', async () => {
    writeTrust(false, [{ name: 'alice', key: alice }]);
    // Until the reload, the unsigned document would be refused: wait for it to be applied.
    const { metadata } = await env.replaceCr(env.encrypt(manifest('unsigned-ok')));
    await until('the unsigned Secret', () => env.getSecret('payments', 'db')?.data?.password === b64('unsigned-ok'), 15_000);
    await until('Ready for this generation', () => ready(env.getCr('payments', 'db'))?.status === 'True' && ready(env.getCr('payments', 'db'))?.observedGeneration === metadata.generation);
    const cr = env.getCr('payments', 'db')!;
    expect(cr.status!.writer).toBeUndefined();
    expect(ready(cr)!.message).toContain('not signed');
    await until('the Unsigned warning', () => events('Unsigned').some((e) => /anyone with the public recipient/.test(e.message)));
  });
});
