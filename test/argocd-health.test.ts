/**
 * examples/argocd/health.lua, run by a real Lua (lua5.4) the way Argo CD
 * runs a health check: the object in the global `obj`, the script's return
 * value a table {status=, message=}. Also: argocd-cm-patch.yaml embeds the
 * script verbatim, and the Application syncs as documented.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../examples/argocd/health.lua', import.meta.url));
const LUA = 'lua5.4';
const haveLua = spawnSync(LUA, ['-v'], { encoding: 'utf8' }).status === 0;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

/** A Lua expression for a JSON value: tables for arrays (1-based) and objects; null and undefined fields are left out, as Argo CD's conversion does. */
function luaLiteral(v: Json | undefined): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error('JSON has no such number');
    return Number.isInteger(v) ? v.toFixed(0) : String(v);
  }
  if (typeof v === 'string') return luaString(v);
  if (Array.isArray(v)) return `{${v.map((x) => luaLiteral(x)).join(', ')}}`;
  const fields = Object.entries(v).filter(([, x]) => x !== null && x !== undefined);
  return `{${fields.map(([k, x]) => `[${luaString(k)}] = ${luaLiteral(x)}`).join(', ')}}`;
}

/** A Lua string literal: printable ASCII as is, every other byte as \ddd (so UTF-8 survives). */
function luaString(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte >= 0x20 && byte < 0x7f && c !== '"' && c !== '\\' ? c : `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** Runs health.lua on `obj` as Argo CD does; returns what it returned. */
function health(obj: Json): { status: string; message: string } {
  const harness = [
    `obj = ${luaLiteral(obj)}`,
    `local hs = dofile(${luaString(SCRIPT)})`,
    'assert(type(hs) == "table", "the script must return a table")',
    'io.write(tostring(hs.status), "\\0", tostring(hs.message))',
  ].join('\n');
  const r = spawnSync(LUA, ['-'], { input: harness, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`lua failed: ${r.stderr}`);
  const [status, message] = r.stdout.split('\0');
  return { status: status!, message: message! };
}

const meta = (generation: number) => ({ name: 'db', namespace: 'payments', generation });
const ready = (status: string, reason: string, message: string, observedGeneration?: number) => ({
  type: 'Ready',
  status,
  reason,
  message,
  lastTransitionTime: '2026-01-01T00:00:00Z',
  ...(observedGeneration === undefined ? {} : { observedGeneration }),
});
const object = (generation: number, status?: Json) => ({ apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', metadata: meta(generation), spec: { scope: 'strict' }, ...(status === undefined ? {} : { status }) });

describe('the JSON → Lua conversion of the harness', () => {
  it.skipIf(!haveLua)('gives back the same values inside Lua', () => {
    const value = { s: 'a "quoted" \\ line\nnext — ünï', n: 3, f: 1.5, t: true, list: ['x', 'y'], nested: { k: [1, { z: false }] }, gone: null };
    const r = spawnSync(LUA, ['-'], {
      input: `local v = ${luaLiteral(value)}\nio.write(v.s, "|", v.n, "|", v.f, "|", tostring(v.t), "|", #v.list, v.list[2], "|", v.nested.k[1], tostring(v.nested.k[2].z), "|", tostring(v.gone))`,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('a "quoted" \\ line\nnext — ünï|3|1.5|true|2y|1false|nil');
  });
});

describe.skipIf(!haveLua)('examples/argocd/health.lua', () => {
  it('is Progressing while there is no status', () => {
    expect(health(object(1))).toEqual({ status: 'Progressing', message: 'Waiting for the gitseal controller' });
  });

  it('is Healthy when Ready is True for the current generation', () => {
    const status = { observedGeneration: 2, secretName: 'db', conditions: [ready('True', 'Decrypted', 'Secret payments/db is up to date', 2)] };
    expect(health(object(2, status))).toEqual({ status: 'Healthy', message: 'Secret payments/db is up to date' });
    // The condition's own observedGeneration is optional.
    const noCondGen = { observedGeneration: 2, conditions: [ready('True', 'Decrypted', 'ok')] };
    expect(health(object(2, noCondGen))).toEqual({ status: 'Healthy', message: 'ok' });
  });

  it('is Progressing when Ready is True but for an older generation', () => {
    const stale = { observedGeneration: 1, conditions: [ready('True', 'Decrypted', 'Secret payments/db is up to date', 1)] };
    expect(health(object(2, stale))).toEqual({ status: 'Progressing', message: 'Waiting for the gitseal controller to observe generation 2' });
    const staleCondition = { observedGeneration: 2, conditions: [ready('True', 'Decrypted', 'Secret payments/db is up to date', 1)] };
    expect(health(object(2, staleCondition)).status).toBe('Progressing');
    const noObserved = { conditions: [ready('True', 'Decrypted', 'Secret payments/db is up to date')] };
    expect(health(object(2, noObserved)).status).toBe('Progressing');
  });

  it('is Progressing without a Ready condition', () => {
    expect(health(object(1, { observedGeneration: 1 }))).toEqual({ status: 'Progressing', message: 'Waiting for the Ready condition' });
    expect(health(object(1, { observedGeneration: 1, conditions: [] })).status).toBe('Progressing');
    const other = { observedGeneration: 1, conditions: [{ ...ready('True', 'X', 'y', 1), type: 'Synced' }] };
    expect(health(object(1, other)).status).toBe('Progressing');
  });

  it("names the trusted writer of what the Secret holds when Healthy", () => {
    const status = { observedGeneration: 2, writer: 'alice (w-0123456789abcdef)', conditions: [ready('True', 'Decrypted', 'the Secret is written and current', 2)] };
    expect(health(object(2, status))).toEqual({ status: 'Healthy', message: 'the Secret is written and current (signed by alice (w-0123456789abcdef))' });
  });

  for (const reason of ['RewrapDenied', 'ScopeMismatch', 'Tampered', 'Unsigned', 'UntrustedWriter', 'SecretNotOwned']) {
    it(`is Degraded when Ready is False with reason ${reason}, with the condition's message`, () => {
      const message = `${reason}: something the controller said about payments/db`;
      const status = { observedGeneration: 4, conditions: [ready('False', reason, message, 4)] };
      expect(health(object(4, status))).toEqual({ status: 'Degraded', message });
    });
  }

  it('is Progressing when Ready is False because the rewrap service is unavailable (the controller retries)', () => {
    const message = 'the rewrap service did not answer: retrying in 8 s';
    const status = { observedGeneration: 1, conditions: [ready('False', 'RewrapUnavailable', message, 1)] };
    expect(health(object(1, status))).toEqual({ status: 'Progressing', message });
  });

  it('is Progressing when Ready is Unknown', () => {
    const status = { observedGeneration: 1, conditions: [ready('Unknown', 'Reconciling', 'decrypting', 1)] };
    expect(health(object(1, status))).toEqual({ status: 'Progressing', message: 'decrypting' });
  });

  it('falls back to the reason when the message is empty', () => {
    const status = { observedGeneration: 1, conditions: [ready('False', 'Tampered', '', 1)] };
    expect(health(object(1, status))).toEqual({ status: 'Degraded', message: 'Tampered' });
  });

  it('reads the Ready condition among others', () => {
    const status = { observedGeneration: 1, conditions: [{ ...ready('True', 'X', 'other', 1), type: 'Synced' }, ready('False', 'RewrapDenied', 'denied by policy', 1)] };
    expect(health(object(1, status))).toEqual({ status: 'Degraded', message: 'denied by policy' });
  });
});

describe('examples/argocd manifests', () => {
  const read = (name: string) => readFileSync(new URL(`../examples/argocd/${name}`, import.meta.url), 'utf8');

  it('argocd-cm-patch.yaml embeds health.lua verbatim under the right key', () => {
    const cm = parse(read('argocd-cm-patch.yaml')) as { kind: string; metadata: { name: string }; data: Record<string, string> };
    expect(cm.kind).toBe('ConfigMap');
    expect(cm.metadata.name).toBe('argocd-cm');
    expect(cm.data['resource.customizations.health.gitseal.dev_EncryptedSecret']).toBe(read('health.lua'));
  });

  it('the Application syncs automatically, with prune and selfHeal', () => {
    const app = parse(read('application.yaml')) as { kind: string; spec: Record<string, Record<string, unknown>> };
    expect(app.kind).toBe('Application');
    expect(app.spec.source).toMatchObject({ repoURL: expect.any(String), path: expect.any(String) });
    expect(app.spec.destination).toMatchObject({ server: expect.any(String) });
    expect(app.spec.syncPolicy!.automated).toEqual({ prune: true, selfHeal: true });
  });
});
