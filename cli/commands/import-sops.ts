/**
 * `gitseal import sops FILE...`: opens SOPS files (YAML, JSON, dotenv) with
 * an age identity or AWS/GCP KMS, checks the MAC, and re-encrypts the
 * plaintext with gitseal (a Secret becomes an EncryptedSecret). The
 * plaintext stays in memory; outputs are written atomically, and only once
 * every file has been opened and encrypted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { fail, GitsealError, isGitsealError } from '../../core/errors.js';
import { openSops, parseSops, type SopsFile } from '../../migrate/sops/index.js';
import { encryptStream } from '../../core/format/stream.js';
import { parseAgeIdentities, recoverDataKey } from '../../migrate/sops/keys.js';
import { emitOutput, readInput } from '../files.js';
import { policyOf, recipientsOf } from '../open-file.js';
import type { ImportSopsOptions } from './import-sops.command.js';
import { finishSigning, writerSigner } from '../writer.js';

function readKeyFile(file: string): string[] {
  try {
    return parseAgeIdentities(readFileSync(file, 'utf8'));
  } catch {
    return fail('E_NO_KEY', `cannot read the age identity file ${file}`);
  }
}

/** Like SOPS: --age-key FILE..., then SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, and $XDG_CONFIG_HOME/sops/age/keys.txt. */
export function ageIdentities(explicit: readonly string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  const ids: string[] = [];
  for (const f of explicit ?? []) ids.push(...readKeyFile(f));
  if (env.SOPS_AGE_KEY) ids.push(...parseAgeIdentities(env.SOPS_AGE_KEY));
  if (env.SOPS_AGE_KEY_FILE) ids.push(...readKeyFile(env.SOPS_AGE_KEY_FILE));
  const def = join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'sops', 'age', 'keys.txt');
  if (existsSync(def)) ids.push(...readKeyFile(def));
  return ids;
}

const asList = (v: unknown): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v.map(String) : [String(v)]);

const where = (file: string) => (file === '-' ? 'standard input' : file);

/** Runs `f` so that a failure names the file it is about, as import sealed-secrets does. */
function about<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isGitsealError(e) && e.code !== 'E_IO') throw new GitsealError(e.code, `${where(file)}: ${e.message}`);
    throw e;
  }
}

/** A dotenv file's name: .env, NAME.env, or .env.NAME (but not .env.yaml or .env.json). */
const isDotenvName = (path: string): boolean => {
  const b = basename(path);
  return /\.env$/i.test(b) || (/^\.env\./i.test(b) && !/\.(ya?ml|json)$/i.test(b));
};

/** gitseal writes YAML (or JSON): never into a dotenv file, which would then be neither. */
function refuseYamlIntoDotenv(file: string, parsed: SopsFile, inPlace: boolean, output: string | undefined): void {
  const target = inPlace ? file : output;
  if (target === undefined || target === '-') return;
  if ((inPlace && parsed.format === 'dotenv') || isDotenvName(target))
    fail('E_USAGE', `${target}: gitseal would write an encrypted YAML file into a dotenv file; import it with -o NAME.enc.yaml (or to standard output) instead`);
}

export async function run(opts: ImportSopsOptions): Promise<void> {
  const files = asList(opts.files) ?? [];
  const { output, inPlace } = opts;
  if (files.length > 1 && !inPlace) fail('E_USAGE', 'importing several files needs --in-place (-i); use -o OUT with one file');
  const ids = ageIdentities(asList(opts.ageKey), process.env);
  const format = opts.inputType;
  // Read, open and encrypt every file first, then write: a failure leaves every file unchanged.
  const inputs = files.map((file) => {
    const parsed = about(file, () => parseSops(readInput(file), format, file === '-' ? undefined : file));
    refuseYamlIntoDotenv(file, parsed, inPlace === true, output);
    return { file, parsed };
  });
  const results: Array<{ file: string; text: string }> = [];
  for (const { file, parsed } of inputs) {
    const dataKey = await recoverDataKey(parsed.metadata, { ageIdentities: ids, env: process.env });
    let plaintext: string;
    try {
      const opened = about(file, () => openSops(parsed, dataKey, { ignoreMac: opts.ignoreMac === true }));
      if (!opened.macOk) process.stderr.write(`gitseal: warning: ${where(file)}: the SOPS MAC was not verified (--ignore-mac)\n`);
      if (opened.undecryptedComments)
        process.stderr.write(`gitseal: warning: ${where(file)}: ${opened.undecryptedComments} comment(s) look SOPS-encrypted but do not decrypt with the file's data key; kept as they are\n`);
      plaintext = opened.plaintext;
    } finally {
      dataKey.fill(0);
    }
    const policy = policyOf(inPlace ? file : (output ?? file));
    const text = encryptStream(plaintext, {
      recipients: recipientsOf(asList(opts.recipient), policy),
      scope: opts.scope ?? policy.scope,
      readablePaths: policy.readablePaths,
      signer: writerSigner(policy),
    });
    results.push({ file, text: await finishSigning(text, policy) });
  }
  for (const r of results) emitOutput(r.text, { file: r.file, inPlace, output });
}
