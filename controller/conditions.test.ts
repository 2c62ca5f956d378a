import { describe, expect, it } from 'vitest';
import { readyStatus, reasonOf, statusChanged } from './conditions.js';
import type { EncryptedSecretObject } from './encrypted-secret.js';

const cr = (generation: number, status?: EncryptedSecretObject['status']): EncryptedSecretObject => ({
  apiVersion: 'gitseal.dev/v1',
  kind: 'EncryptedSecret',
  metadata: { name: 'db', namespace: 'payments', generation },
  ...(status ? { status } : {}),
});

describe('Ready condition', () => {
  const t0 = new Date('2026-11-23T10:00:00Z');
  const t1 = new Date('2026-11-23T10:05:00Z');

  it('records the generation it reflects and the Secret name when decrypted', () => {
    const s = readyStatus(cr(3), 'Decrypted', 'ok', t0);
    expect(s).toMatchObject({ observedGeneration: 3, secretName: 'db', lastSyncTime: t0.toISOString() });
    expect(s.conditions).toEqual([{ type: 'Ready', status: 'True', reason: 'Decrypted', message: 'ok', lastTransitionTime: t0.toISOString(), observedGeneration: 3 }]);
  });

  it('keeps lastTransitionTime while the status stays, and moves it when it flips', () => {
    const first = readyStatus(cr(1), 'RewrapUnavailable', 'down', t0);
    const again = readyStatus(cr(1, first), 'RewrapDenied', 'no', t1);
    expect(again.conditions![0]!.lastTransitionTime).toBe(t0.toISOString());
    const back = readyStatus(cr(1, again), 'Decrypted', 'ok', t1);
    expect(back.conditions![0]!.lastTransitionTime).toBe(t1.toISOString());
  });

  it('keeps the last good sync on failure', () => {
    const good = readyStatus(cr(1), 'Decrypted', 'ok', t0);
    const bad = readyStatus(cr(2, good), 'Tampered', 'bad', t1);
    expect(bad).toMatchObject({ secretName: 'db', lastSyncTime: t0.toISOString(), observedGeneration: 2 });
  });

  it('needs a write only when what it says changes', () => {
    const s = readyStatus(cr(1), 'Decrypted', 'ok', t0);
    expect(statusChanged(undefined, s)).toBe(true);
    expect(statusChanged(s, readyStatus(cr(1, s), 'Decrypted', 'ok', t1))).toBe(false);
    expect(statusChanged(s, readyStatus(cr(2, s), 'Decrypted', 'ok', t1))).toBe(true);
    expect(statusChanged(s, readyStatus(cr(1, s), 'RewrapUnavailable', 'down', t1))).toBe(true);
  });

  it('kstatus: Stalled=True for a refusal retrying cannot fix, Reconciling=True while retrying, neither once written', () => {
    const kinds = (st: ReturnType<typeof readyStatus>) => st.conditions!.map((c) => `${c.type}=${c.status}:${c.reason}`);
    const down = readyStatus(cr(1), 'RewrapUnavailable', 'down', t0);
    expect(kinds(down)).toEqual(['Ready=False:RewrapUnavailable', 'Reconciling=True:RewrapUnavailable']);
    const tampered = readyStatus(cr(2, down), 'Tampered', 'bad', t1);
    expect(kinds(tampered)).toEqual(['Ready=False:Tampered', 'Stalled=True:Tampered']);
    expect(tampered.conditions![1]).toMatchObject({ message: 'bad', observedGeneration: 2, lastTransitionTime: t1.toISOString() });
    for (const reason of ['RewrapDenied', 'ScopeMismatch', 'SecretNotOwned', 'Invalid'] as const)
      expect(kinds(readyStatus(cr(1), reason, 'm', t0))).toEqual([`Ready=False:${reason}`, `Stalled=True:${reason}`]);
    const fixed = readyStatus(cr(3, tampered), 'Decrypted', 'ok', t1);
    expect(kinds(fixed)).toEqual(['Ready=True:Decrypted']);
    const other = { type: 'Other', status: 'True' as const, reason: 'x', message: 'y', lastTransitionTime: t0.toISOString() };
    expect(kinds(readyStatus(cr(1, { conditions: [other] }), 'Decrypted', 'ok', t1))).toEqual(['Other=True:x', 'Ready=True:Decrypted']);
  });

  it('maps error codes to reasons', () => {
    expect(['E_DENIED', 'E_AUTH', 'E_KEY_REVOKED', 'E_SERVER', 'E_ROOT_REVOKED', 'E_SCOPE', 'E_TAMPERED', 'E_FORMAT', 'E_UNSIGNED', 'E_UNTRUSTED_WRITER'].map(reasonOf)).toEqual([
      'RewrapDenied', 'RewrapDenied', 'RewrapDenied', 'RewrapUnavailable', 'RewrapUnavailable', 'ScopeMismatch', 'Tampered', 'Invalid', 'Unsigned', 'UntrustedWriter',
    ]);
  });

  it('a writer refusal stalls (a new document or new trust must come first)', () => {
    for (const reason of ['Unsigned', 'UntrustedWriter'] as const)
      expect(readyStatus(cr(1), reason, 'm', t0).conditions!.map((c) => `${c.type}=${c.status}:${c.reason}`)).toEqual([`Ready=False:${reason}`, `Stalled=True:${reason}`]);
  });

  it('names the trusted writer of what the Secret holds: set on a write, kept on a refusal, gone after a write without one', () => {
    const alice = readyStatus(cr(1), 'Decrypted', 'ok', t0, 'alice (w-0123456789abcdef)');
    expect(alice.writer).toBe('alice (w-0123456789abcdef)');
    const refused = readyStatus(cr(2, alice), 'Unsigned', 'no', t1);
    expect(refused).toMatchObject({ writer: 'alice (w-0123456789abcdef)', lastSyncTime: t0.toISOString() });
    const unsigned = readyStatus(cr(2, refused), 'Decrypted', 'ok', t1);
    expect(unsigned.writer).toBeUndefined();
    expect(statusChanged(alice, readyStatus(cr(1, alice), 'Decrypted', 'ok', t1, 'bob (w-fedcba9876543210)'))).toBe(true);
    expect(statusChanged(alice, readyStatus(cr(1, alice), 'Decrypted', 'ok', t1, 'alice (w-0123456789abcdef)'))).toBe(false);
  });
});
