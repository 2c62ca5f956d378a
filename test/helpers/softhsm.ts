/**
 * A throwaway SoftHSM2 token for tests: its own token folder and
 * SOFTHSM2_CONF, a token made with `softhsm2-util --init-token`, and an
 * AES-256 key object made through the pkcs11 root's own `createRootKey`.
 *
 * SoftHSM reads SOFTHSM2_CONF when the module is initialized, once per
 * process: this sets process.env.SOFTHSM2_CONF, so make the token before
 * opening a root, and close every root before making the next token.
 * Test files run in their own processes (vitest forks), so files do not
 * disturb each other.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pkcs11RootConfig } from '../../kms/roots/pkcs11.js';
import { createRootKey } from '../../kms/roots/index.js';
import { hasOptional } from './optional.js';

const MODULES = [
  process.env.SOFTHSM2_MODULE,
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
];

export const SOFTHSM_MODULE: string | undefined = MODULES.find((m): m is string => !!m && existsSync(m));

/** True when the module and softhsm2-util are installed: pkcs11 tests skip only when this is false. */
export const softHsmAvailable: boolean =
  hasOptional('pkcs11js') && SOFTHSM_MODULE !== undefined && spawnSync('softhsm2-util', ['--version']).status === 0;

export interface SoftHsmToken {
  readonly dir: string;
  /** The SOFTHSM2_CONF file. */
  readonly conf: string;
  readonly module: string;
  readonly tokenLabel: string;
  readonly keyLabel: string;
  readonly pin: string;
  /** SOFTHSM2_CONF and GITSEAL_HSM_PIN: the environment for `openRoot` or a `gitseal serve` child. */
  readonly env: Readonly<Record<string, string>>;
  /** A root configuration for this token and key. */
  readonly config: Pkcs11RootConfig;
  /** Deletes the token with `softhsm2-util --delete-token`, keeping a copy for `restore`. */
  remove(): void;
  /** Puts the removed token back, same key object and all. */
  restore(): void;
  /** Deletes the folder and puts SOFTHSM2_CONF back as it was. */
  cleanup(): void;
}

function util(args: string[], conf: string): void {
  const r = spawnSync('softhsm2-util', args, { env: { ...process.env, SOFTHSM2_CONF: conf }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`softhsm2-util ${args[0]} failed: ${r.stderr || r.stdout}`);
}

export async function makeSoftHsmToken(options: { dir?: string; withKey?: boolean } = {}): Promise<SoftHsmToken> {
  if (!softHsmAvailable || !SOFTHSM_MODULE) throw new Error('SoftHSM2 is not installed');
  const module = SOFTHSM_MODULE;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'gitseal-softhsm-'));
  const tokens = join(dir, 'tokens');
  const aside = join(dir, 'removed');
  mkdirSync(tokens, { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);

  const tokenLabel = `gitseal-${randomBytes(4).toString('hex')}`;
  const keyLabel = 'gitseal-root';
  const pin = `pin-${randomBytes(8).toString('hex')}`;
  util(['--init-token', '--free', '--label', tokenLabel, '--pin', pin, '--so-pin', `so-${randomBytes(8).toString('hex')}`], conf);

  const previousConf = process.env.SOFTHSM2_CONF;
  process.env.SOFTHSM2_CONF = conf;
  const env = { SOFTHSM2_CONF: conf, GITSEAL_HSM_PIN: pin };
  const config: Pkcs11RootConfig = { type: 'pkcs11', module, tokenLabel, keyLabel, pinEnv: 'GITSEAL_HSM_PIN', checkInterval: 300 };
  if (options.withKey !== false) await createRootKey(config, env);

  return {
    dir,
    conf,
    module,
    tokenLabel,
    keyLabel,
    pin,
    env,
    config,
    remove() {
      rmSync(aside, { recursive: true, force: true });
      cpSync(tokens, aside, { recursive: true });
      util(['--delete-token', '--token', tokenLabel], conf);
    },
    restore() {
      if (!existsSync(aside)) throw new Error('restore() without remove()');
      for (const entry of readdirSync(tokens)) rmSync(join(tokens, entry), { recursive: true, force: true });
      cpSync(aside, tokens, { recursive: true });
      rmSync(aside, { recursive: true, force: true });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
      if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
      else process.env.SOFTHSM2_CONF = previousConf;
    },
  };
}
