/**
 * `gitseal diff A B` through the built CLI: what it prints without a key
 * (never a key name or value: canaries), with a key (names and
 * fingerprints, no values), with --show-values, its --json shape and its
 * exit statuses.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const marker = randomBytes(8).toString('hex');
/** Canary key names and values: none may show without a key. */
const NAME = `name-canary-${marker}`;
const VALUE = (n: number) => `value-canary-${marker}-${n}`;
const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: payments
stringData:
  ${NAME}: ${VALUE(1)}
  password: "${VALUE(2)}"   # a comment
  host: db.svc
`;

let ws: Workspace;
/** Runs with no keystore anywhere. */
const noKeyEnv = () => ({ XDG_CONFIG_HOME: ws.path('no-config') });
const expectNoCanary = (r: { stdout: string; stderr: string }) => {
  expect(r.stdout + r.stderr).not.toContain(marker);
  expect(r.stdout + r.stderr).not.toMatch(/password|host/);
};

beforeAll(async () => {
  ws = await newWorkspace();
  ws.write('s.yaml', SECRET);
  const enc = await ws.run(['encrypt', 's.yaml', '-o', 'v1.enc.yaml']);
  expect(enc.status, describeRun(['encrypt'], enc)).toBe(0);
  ws.write('v2.enc.yaml', ws.read('v1.enc.yaml'));
  const set = await ws.run(['set', 'v2.enc.yaml', 'stringData.password', '-'], { input: VALUE(3) });
  expect(set.status, describeRun(['set'], set)).toBe(0);
});

describe('gitseal diff A B', () => {
  it('one set: exactly 1 value changed, by token without a key, and no name or value printed', async () => {
    for (const extra of [{ args: ['--without-key'], env: {} }, { args: [], env: noKeyEnv() }]) {
      const r = await ws.run(['diff', ...extra.args, 'v1.enc.yaml', 'v2.enc.yaml'], { env: extra.env });
      expect(r.stdout).toBe('v1.enc.yaml → v2.enc.yaml\n  payments/db: 1 value changed, 0 added, 0 removed, recipients unchanged; unsigned\n');
      expect(r.status).toBe(1);
      expectNoCanary(r);
      const json = await ws.run(['diff', '--json', ...extra.args, 'v1.enc.yaml', 'v2.enc.yaml'], { env: extra.env });
      expectNoCanary(json);
      expect(JSON.parse(json.stdout).files[0].documents[0]).toMatchObject({ by: 'token', counts: { changed: 1, added: 0, removed: 0 } });
    }
  });

  it('with the key: names and fingerprints, no values', async () => {
    const r = await ws.run(['diff', 'v1.enc.yaml', 'v2.enc.yaml']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ {4}~ stringData\.password {2}fp:[0-9a-f]{16} → fp:[0-9a-f]{16}$/m);
    expect(r.stdout).not.toContain('value-canary');
    expect(r.stderr).toBe('');
  });

  it('--show-values shows old → new; without a key it is refused (E_NO_KEY)', async () => {
    const r = await ws.run(['diff', '--show-values', 'v1.enc.yaml', 'v2.enc.yaml']);
    expect(r.stdout).toContain(`    ~ stringData.password  "${VALUE(2)}" → "${VALUE(3)}"\n`);
    expect(r.status).toBe(1);
    const refused = await ws.run(['diff', '--show-values', 'v1.enc.yaml', 'v2.enc.yaml'], { env: noKeyEnv() });
    expect(refused.status).toBe(30);
    expect(refused.stderr).toContain('[E_NO_KEY]');
    expectNoCanary(refused);
    const both = await ws.run(['diff', '--show-values', '--without-key', 'v1.enc.yaml', 'v2.enc.yaml']);
    expect(both.status).toBe(2);
  });

  it('another person\'s key: compared by token, with a note', async () => {
    const other = await ws.keygen('other.yaml');
    const r = await ws.run(['diff', '--key', other.file, 'v1.enc.yaml', 'v2.enc.yaml']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('1 value changed, 0 added, 0 removed, recipients unchanged (no key at hand opens the before version: compared by token); unsigned');
    expectNoCanary(r);
  });

  it('add and remove: counted without a key, named with one', async () => {
    ws.write('v3.enc.yaml', ws.read('v2.enc.yaml'));
    expect((await ws.run(['set', 'v3.enc.yaml', 'stringData.token', 'abc'])).status).toBe(0);
    expect((await ws.run(['unset', 'v3.enc.yaml', 'stringData.host'])).status).toBe(0);
    const r = await ws.run(['diff', '--without-key', 'v2.enc.yaml', 'v3.enc.yaml']);
    expect(r.stdout).toContain('payments/db: 0 values changed, 1 added, 1 removed, recipients unchanged');
    const k = await ws.run(['diff', 'v2.enc.yaml', 'v3.enc.yaml']);
    expect(k.stdout).toMatch(/^ {4}\+ stringData\.token {2}fp:[0-9a-f]{16}$/m);
    expect(k.stdout).toMatch(/^ {4}- stringData\.host {2}fp:[0-9a-f]{16}$/m);
  });

  it('rotate: a new data key; with the key the values compare equal', async () => {
    ws.write('rot.enc.yaml', ws.read('v2.enc.yaml'));
    expect((await ws.run(['rotate', 'rot.enc.yaml'])).status).toBe(0);
    const r = await ws.run(['diff', '--without-key', 'v2.enc.yaml', 'rot.enc.yaml']);
    expect(r.stdout).toContain('payments/db: re-encrypted with a new data key, 7 values before, 7 after (which changed needs the key), recipients unchanged');
    const k = await ws.run(['diff', 'v2.enc.yaml', 'rot.enc.yaml']);
    expect(k.stdout).toContain('re-encrypted with a new data key (fingerprints not comparable), 0 values changed, 0 added, 0 removed');
    expect(k.status).toBe(1);
  });

  it('--json shape', async () => {
    const r = await ws.run(['diff', '--json', 'v1.enc.yaml', 'v2.enc.yaml']);
    const report = JSON.parse(r.stdout);
    expect(report).toEqual({
      differences: true,
      files: [
        {
          path: 'v2.enc.yaml',
          oldPath: 'v1.enc.yaml',
          status: 'modified',
          documents: [
            {
              label: 'payments/db',
              mode: 'secret',
              status: 'modified',
              by: 'key',
              values: { before: 7, after: 7 },
              counts: { changed: 1, added: 0, removed: 0 },
              recipients: { added: [], removed: [], rewrapped: [] },
              scope: null,
              layoutChanged: false,
              readableChanged: false,
              newDataKey: false,
              fingerprints: 'comparable',
              changes: [{ change: 'changed', path: 'stringData.password', before: { fingerprint: expect.stringMatching(/^fp:/) }, after: { fingerprint: expect.stringMatching(/^fp:/) } }],
              writer: { before: { status: 'unsigned' }, after: { status: 'unsigned' }, changed: false },
            },
          ],
        },
      ],
    });
  });

  it('exit statuses: 0 same, 1 different, 16 neither encrypted, 3 missing file, 2 wrong arguments, 17 damaged', async () => {
    expect((await ws.run(['diff', 'v1.enc.yaml', 'v1.enc.yaml'])).status).toBe(0);
    expect((await ws.run(['diff', 'v1.enc.yaml', 'v1.enc.yaml'])).stdout).toBe('');
    expect((await ws.run(['diff', 's.yaml', 's.yaml'])).status).toBe(16);
    expect((await ws.run(['diff', 'v1.enc.yaml', 'missing.yaml'])).status).toBe(3);
    expect((await ws.run(['diff', 'v1.enc.yaml'])).status).toBe(2);
    ws.write('cut.enc.yaml', ws.read('v1.enc.yaml').slice(0, 300));
    const cut = await ws.run(['diff', 'v1.enc.yaml', 'cut.enc.yaml']);
    expect(cut.status).toBe(17);
    expect(cut.stderr).toMatch(/^gitseal: cut\.enc\.yaml: .* \[E_FORMAT\]\n$/);
  });

  it('encrypted on one side only: reported, the plaintext side never printed', async () => {
    for (const args of [['s.yaml', 'v1.enc.yaml'], ['v1.enc.yaml', 's.yaml']]) {
      const r = await ws.run(['diff', ...args], { env: noKeyEnv() });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('encrypted on one side only');
      expectNoCanary(r);
      const k = await ws.run(['diff', '--json', ...args]);
      expect(k.stdout).not.toContain('value-canary');
    }
  });
});
