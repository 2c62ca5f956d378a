/**
 * Writers through `gitseal verify` and `gitseal diff` on a real repository
 * (issue 14): someone with push access but no org key re-encrypts a Secret
 * with the public recipient, unsigned or signed with their own writer key,
 * and in another branch adds their key to `.gitseal.yaml`'s writers. verify
 * names every document's writer and fails them with their code; verify
 * --base fails the change to `.gitseal.yaml`; diff marks the writer change.
 * No output ever holds a value (canaries).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import { encryptStream } from '../core/format/stream.js';
import { describeRun, type RunResult } from './helpers/cli.js';
import { commitAll, git, initRepo } from './helpers/git.js';
import { makeWriter, trustFile, withWriters, type TestWriter } from './helpers/writers.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const marker = randomBytes(8).toString('hex');
const CANARIES = [`CANARY-${marker}-original`, `CANARY-${marker}-attacker`];
const FILE = 'apps/db-secret.enc.yaml';
const secret = (password: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: prod\nstringData:\n  password: ${password}\n  user: app\n`;

interface Report {
  ok: boolean;
  base: string | null;
  config: Array<{ file: string; change: string; added: unknown[]; removed: unknown[]; renamed: unknown[]; requireSignaturesDropped: boolean; problems: Array<{ code: string; message: string }> }>;
  files: Array<{ file: string; ok: boolean; documents: Array<{ writer: Record<string, string> | null; problems: Array<{ code: string; message: string }> }> }>;
}

let ws: Workspace;
let dir: string;
let alice: TestWriter;
let mallory: TestWriter;
/** The user's trust: alice only. */
let trusted: Record<string, string>;
/** Whoever pushes with no org key: an empty config home. */
let attacker: Record<string, string>;
const outputs: string[] = [];

async function gitseal(args: string[], env: Record<string, string> = {}, input?: string): Promise<RunResult> {
  const r = await ws.run(args, { cwd: dir, env, ...(input === undefined ? {} : { input }) });
  outputs.push(r.stdout, r.stderr);
  return r;
}
const checkout = (ref: string) => git(dir, 'checkout', '-q', ref);
const rev = (ref: string) => git(dir, 'rev-parse', ref).trim();

/** A copy of the file sealed to the public recipient by the attacker's own tool: no key, no signature. */
function unsignedForgery(): string {
  return encryptStream(secret(CANARIES[1]!), { recipients: [parseRecipient(ws.recipient)], scope: 'strict' });
}

beforeAll(async () => {
  ws = await newWorkspace();
  dir = ws.path('repo');
  mkdirSync(ws.path('repo', 'apps'), { recursive: true });
  alice = makeWriter(ws.dir, 'alice');
  mallory = makeWriter(ws.dir, 'mallory');
  trusted = trustFile(ws.path('trust.yaml'), [alice]);
  attacker = { XDG_CONFIG_HOME: ws.path('attacker-config'), ...mallory.env };
  ws.write('repo/.gitseal.yaml', withWriters(ws.read('.gitseal.yaml'), [alice], true));
  initRepo(dir);
  const enc = await gitseal(['encrypt', '-', '-o', FILE], alice.env, secret(CANARIES[0]!));
  expect(enc.status, describeRun(['encrypt'], enc)).toBe(0);
  commitAll(dir, 'base: alice writes the Secret; signatures required');

  git(dir, 'checkout', '-q', '-b', 'unsigned', 'main');
  ws.write(`repo/${FILE}`, unsignedForgery());
  commitAll(dir, 'attacker: unsigned re-encryption');

  git(dir, 'checkout', '-q', '-b', 'mallory', 'main');
  const signed = await gitseal(['encrypt', '-', '-o', FILE], attacker, secret(CANARIES[1]!));
  expect(signed.status, describeRun(['encrypt'], signed)).toBe(0);
  commitAll(dir, 'attacker: re-encrypted and signed with their own writer key');

  git(dir, 'checkout', '-q', '-b', 'pr-writers', 'mallory');
  ws.write('repo/.gitseal.yaml', withWriters(ws.read('.gitseal.yaml'), [alice, mallory]));
  commitAll(dir, 'attacker: declare my key, signatures no longer required');
  checkout('main');
});

describe('verify names writers and refuses what the configuration does not accept', () => {
  it('main: signed by alice, whom the user trusts; without that trust the same document fails, since .gitseal.yaml requires signatures', async () => {
    checkout('main');
    const ok = await gitseal(['verify', FILE], trusted);
    expect(ok.status, describeRun(['verify'], ok)).toBe(0);
    expect(ok.stdout).toBe(`${FILE}#1 prod/db (6 values, scope strict, MAC ok), signed by alice (${alice.kid}): ok\n`);
    expect(ok.stderr).toBe('');
    const json = JSON.parse((await gitseal(['verify', '--json', FILE], trusted)).stdout) as Report;
    expect(json.files[0]!.documents[0]!.writer).toEqual({ status: 'trusted', kid: alice.kid, subject: 'alice', name: 'alice', declared: 'alice', text: `signed by alice (${alice.kid})` });
    expect(json).toMatchObject({ ok: true, base: rev('HEAD'), config: [] });

    // .gitseal.yaml declaring alice is not trust: the user's own trust file is.
    const untrusted = await gitseal(['verify', FILE]);
    expect(untrusted.status).toBe(1);
    expect(untrusted.stdout).toContain(`.gitseal.yaml names it "alice", but a key is not trusted for being in the repository`);
    expect(untrusted.stdout).toMatch(/\[E_UNTRUSTED_WRITER\]\n$/);
  });

  it('an unsigned re-encryption with the public recipient: E_UNSIGNED; diff marks alice → unsigned', async () => {
    checkout('unsigned');
    const r = await gitseal(['verify', '--base', 'main', FILE], trusted);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${FILE}#1 prod/db \\(6 values, scope strict, MAC unchecked\\), unsigned: FAIL not signed, and signatures are required here .*\\[E_UNSIGNED\\]$`, 'm'));
    const all = JSON.parse((await gitseal(['verify', '--all', '--base', 'main', '--json'], trusted)).stdout) as Report;
    expect(all.ok).toBe(false);
    expect(all.config).toEqual([]);
    expect(all.files[0]!.documents[0]!.problems.map((p) => p.code)).toEqual(['E_UNSIGNED']);

    const d = await gitseal(['diff', '--git', 'main..unsigned', '--without-key'], trusted);
    expect(d.status).toBe(1);
    expect(d.stdout).toContain(`\n  ! writer changed: alice (${alice.kid}) → unsigned\n`);
  });

  it('re-encrypted and signed with the attacker\'s own key: E_UNTRUSTED_WRITER; diff marks alice → "mallory" (not trusted), with or without a key', async () => {
    checkout('mallory');
    const r = await gitseal(['verify', '--base', 'main', FILE], trusted);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`signed by "mallory" with ${mallory.kid}, a key you do not trust: FAIL ${mallory.kid} ("mallory") is not a writer you trust`);
    expect(r.stdout).toContain('[E_UNTRUSTED_WRITER]');
    for (const args of [['--without-key'], []]) {
      const d = await gitseal(['diff', '--git', 'main', 'mallory', ...args], trusted);
      expect(d.status).toBe(1);
      expect(d.stdout).toContain(`  ! writer changed: alice (${alice.kid}) → "mallory" (${mallory.kid}, not trusted)\n`);
    }
    const json = JSON.parse((await gitseal(['diff', '--git', 'main..mallory', '--json', '--without-key'], trusted)).stdout);
    expect(json.files[0].documents[0].writer).toEqual({
      before: { status: 'trusted', kid: alice.kid, subject: 'alice', writer: 'alice' },
      after: { status: 'untrusted', kid: mallory.kid, subject: 'mallory' },
      changed: true,
    });
    // Unchanged documents stay quiet: main against itself prints nothing.
    expect(await gitseal(['diff', '--git', 'main..main'], trusted)).toMatchObject({ status: 0, stdout: '' });
  });

  it('a pull request that declares the attacker\'s key and drops requireSignatures: verify --base fails it by name and kid, and still requires signatures', async () => {
    checkout('pr-writers');
    const main = rev('main');
    const r = await gitseal(['verify', '--all', '--base', 'main'], trusted);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      `.gitseal.yaml: FAIL writer list changed since main (${main.slice(0, 12)}): added "mallory" (${mallory.kid}). A declared writer is a name only: trust a key once its owner confirms it is theirs [E_CONFIG]`,
      `.gitseal.yaml: FAIL requireSignatures turned off since main (${main.slice(0, 12)}): unsigned and untrusted documents are no longer refused [E_CONFIG]`,
    ]);
    // Where the base required signatures they stay required: the head's .gitseal.yaml is the change under review.
    expect(lines[2]).toContain('[E_UNTRUSTED_WRITER]');
    expect(lines[3]).toBe(`1 of 2 tracked files checked: 1 failed; 1 .gitseal.yaml changes who may write since ${main.slice(0, 12)}`);
    const json = JSON.parse((await gitseal(['verify', '--all', '--base', main, '--json'], trusted)).stdout) as Report;
    expect(json).toMatchObject({ ok: false, base: main });
    expect(json.config).toEqual([
      {
        file: '.gitseal.yaml',
        change: 'modified',
        added: [{ name: 'mallory', kid: mallory.kid }],
        removed: [],
        renamed: [],
        requireSignaturesDropped: true,
        problems: [expect.objectContaining({ code: 'E_CONFIG' }), expect.objectContaining({ code: 'E_CONFIG' })],
      },
    ]);

    // Against HEAD (the default) the committed change is not seen, and nothing requires signatures any more:
    // the writer is shown, with a warning, which is why review compares with the base.
    const head = await gitseal(['verify', '--all'], trusted);
    expect(head.status).toBe(0);
    expect(head.stdout).toContain(`signed by "mallory" with ${mallory.kid}, a key you do not trust; .gitseal.yaml names it "mallory"`);
    expect(head.stderr).toContain('warning: 1 document is unsigned or signed by a writer you do not trust');
  });

  it('an uncommitted change to .gitseal.yaml is flagged against HEAD; a renamed writer too', async () => {
    checkout('main');
    const original = ws.read('repo/.gitseal.yaml');
    try {
      ws.write('repo/.gitseal.yaml', original.replace('name: "alice"', 'name: "alice (ops)"'));
      const r = await gitseal(['verify', FILE], trusted);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(`.gitseal.yaml: FAIL writer list changed since HEAD (${rev('HEAD').slice(0, 12)}): renamed "alice" (${alice.kid}) to "alice (ops)"`);
      expect(r.stdout).toContain(`signed by alice (${alice.kid}): ok`);
    } finally {
      ws.write('repo/.gitseal.yaml', original);
    }
    expect((await gitseal(['verify', FILE], trusted)).status).toBe(0);
  });

  it('a .gitseal.yaml added in a subfolder, or deleted, changes what applies there and is flagged', async () => {
    checkout('main');
    const main = rev('main').slice(0, 12);
    ws.write('repo/apps/.gitseal.yaml', ws.read('.gitseal.yaml'));
    try {
      const r = await gitseal(['verify', '--all', '--base', 'main'], trusted);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(`apps/.gitseal.yaml: FAIL writer list changed by this new file (at main (${main}) .gitseal.yaml applied here): removed "alice" (${alice.kid})`);
      expect(r.stdout).toContain(`apps/.gitseal.yaml: FAIL requireSignatures turned off by this new file`);
      git(dir, 'add', 'apps/.gitseal.yaml');
      git(dir, 'commit', '-q', '--no-verify', '-m', 'nested config');
      rmSync(ws.path('repo/apps/.gitseal.yaml'));
      const gone = await gitseal(['verify', '--all'], trusted);
      expect(gone.status).toBe(1);
      expect(gone.stdout).toContain('apps/.gitseal.yaml: FAIL writer list changed by deleting it since HEAD');
      expect(gone.stdout).toContain('(.gitseal.yaml applies here now): added "alice"');
    } finally {
      git(dir, 'reset', '-q', '--hard', 'main');
    }
  });

  it('--base must name a commit, inside a git work tree (E_USAGE)', async () => {
    checkout('main');
    const missing = await gitseal(['verify', '--base', 'no-such-ref', FILE], trusted);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--base "no-such-ref" is not a commit');
    ws.write('outside/x.enc.yaml', ws.read(`repo/${FILE}`));
    const outside = await ws.run(['verify', '--base', 'main', 'x.enc.yaml'], { cwd: ws.path('outside'), env: trusted });
    expect(outside.status).toBe(2);
    expect(outside.stderr).toContain('[E_USAGE]');
    // Outside a repository, without --base, there is nothing to compare with: the file is verified alone.
    expect((await ws.run(['verify', 'x.enc.yaml'], { cwd: ws.path('outside'), env: trusted })).stdout).toContain(`signed by alice (${alice.kid}): ok`);
  });
});

describe('without requireSignatures', () => {
  it('unsigned and untrusted documents are shown and warned about but pass; a signature that does not verify fails (E_TAMPERED), trusted or only declared', async () => {
    const other = await newWorkspace();
    const repo = other.path('repo');
    mkdirSync(repo, { recursive: true });
    other.write('repo/.gitseal.yaml', withWriters(other.read('.gitseal.yaml'), [alice]));
    initRepo(repo);
    const run = async (args: string[], env: Record<string, string> = {}, input?: string) => {
      const r = await other.run(args, { cwd: repo, env, ...(input === undefined ? {} : { input }) });
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    expect((await run(['encrypt', '-', '-o', 'plain-secret.enc.yaml'], {}, secret(CANARIES[0]!))).status).toBe(0);
    expect((await run(['encrypt', '-', '-o', 'alice-secret.enc.yaml'], alice.env, secret(CANARIES[0]!))).status).toBe(0);
    commitAll(repo, 'one unsigned, one signed');
    const r = await run(['verify', '--all']);
    expect(r.status, describeRun(['verify'], r)).toBe(0);
    expect(r.stdout).toContain('plain-secret.enc.yaml#1 prod/db (6 values, scope strict, MAC ok), unsigned: ok');
    expect(r.stdout).toContain(`alice-secret.enc.yaml#1 prod/db (6 values, scope strict, MAC ok), signed by "alice" with ${alice.kid}, a key you do not trust`);
    expect(r.stderr).toContain('warning: 2 documents are unsigned or signed by a writer you do not trust');

    // The signature's bytes changed: one character of the base64url, kept canonical.
    const text = other.read('repo/alice-secret.enc.yaml');
    const forged = text.replace(/(signature: w-[0-9a-f]{16}\.[\w-]+\.[\w-]{100})([\w-])/, (_, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`);
    expect(forged).not.toBe(text);
    other.write('repo/alice-secret.enc.yaml', forged);
    const trust = trustFile(other.path('trust.yaml'), [alice]);
    for (const env of [trust, {}]) {
      const bad = JSON.parse((await run(['verify', '--json', 'alice-secret.enc.yaml'], env)).stdout) as Report;
      expect(bad.ok).toBe(false);
      expect(bad.files[0]!.documents[0]!.writer).toMatchObject({ status: 'invalid', kid: alice.kid });
      expect(bad.files[0]!.documents[0]!.problems.map((p) => p.code)).toEqual(['E_TAMPERED']);
    }
    const d = await run(['diff', '--git', 'HEAD', '--without-key'], trust);
    expect(d.stdout).toContain(`  ! signature does not verify: "alice" (${alice.kid}, signature does not verify)\n`);
  });
});

describe('canaries', () => {
  it('no value reached any output', () => {
    expect(outputs.length).toBeGreaterThan(20);
    for (const out of outputs) for (const c of CANARIES) expect(out).not.toContain(c);
  });
});
