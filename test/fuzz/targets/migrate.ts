/**
 * Files the importers read: SOPS files in YAML, JSON and dotenv (parsed and
 * opened with their data key, so mutations reach the values and the MAC), and
 * SealedSecrets (unsealed with the controller's key) and the key files that
 * hold that key.
 */
import { randomBytes } from 'node:crypto';
import { parseSops, openSops } from '../../../migrate/sops/index.js';
import { parseSealingKeys } from '../../../migrate/sealed-secrets/keys.js';
import { unsealStream } from '../../../migrate/sealed-secrets/convert.js';
import { makeSealingKey, sealSecret, sealSecretV1, toYamlStream } from '../../helpers/sealed-secrets-writer.js';
import { SopsWriter } from '../../helpers/sops-writer.js';
import { fuzzInput } from '../mutate.js';
import { gitsealError, type FuzzTarget } from '../target.js';
import { yamlTree } from './seeds.js';

const SECRET = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'payments' }, stringData: { password: 's3cr3t', port: 5432, on: true, ratio: { float: 1.5 } }, list: ['a', 1, false] };

export async function sopsTarget(): Promise<FuzzTarget> {
  const key = new Uint8Array(randomBytes(32));
  const w = () => new SopsWriter({ key, fixedIvs: true, lastModified: '2024-01-01T00:00:00Z' });
  const yaml = w().yaml([SECRET]);
  const partial = new SopsWriter({ key, encryptedRegex: '^(data|stringData)$', macOnlyEncrypted: true }).yaml([SECRET, { a: 'x' }]);
  const json = w().json(SECRET);
  const dotenv = w().dotenv({ USER: 'app', PASSWORD: 's3cr3t' });
  const seeds = [yaml, partial, json, dotenv];
  return {
    name: 'sops',
    arbitrary: fuzzInput(seeds, { values: [yamlTree(yaml), JSON.parse(json) as unknown], format: 'yaml' }),
    parse: (text) => openSops(parseSops(text), key),
    typed: gitsealError,
  };
}

export async function sealedSecretsTarget(): Promise<FuzzTarget> {
  const k = makeSealingKey(2048);
  const objects = [
    sealSecret(k.publicKey, { name: 'db', namespace: 'payments', type: 'Opaque', labels: { app: 'x' }, data: { password: 's3cr3t', bin: new Uint8Array([0, 255]) } }),
    sealSecret(k.publicKey, { name: 'api', namespace: 'payments', scope: 'namespace-wide', data: { token: 't' } }),
    sealSecret(k.publicKey, { name: 'c', scope: 'cluster-wide', data: { a: 'b' } }),
    sealSecretV1(k.publicKey, { name: 'old', namespace: 'ns', data: { a: 'b' } }),
  ];
  const seeds = [toYamlStream(objects.slice(0, 2)), toYamlStream(objects.slice(2)), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects.slice(0, 1) })];
  return {
    name: 'sealed-secrets',
    arbitrary: fuzzInput(seeds, { values: objects, format: 'yaml' }),
    parse: (text) => unsealStream(text, [k.privateKey]),
    typed: gitsealError,
  };
}

export async function sealingKeysTarget(): Promise<FuzzTarget> {
  const k = makeSealingKey(1024);
  const seeds = [k.secretYaml, k.pkcs1, k.pkcs8, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [yamlTree(k.secretYaml)] })];
  return {
    name: 'sealing-keys',
    arbitrary: fuzzInput(seeds, { values: [yamlTree(k.secretYaml)], format: 'yaml' }),
    parse: (text) => parseSealingKeys(text, 'keys.yaml'),
    typed: gitsealError,
  };
}
