/**
 * Configuration files: the service's policy (kms/service/policy.ts), its
 * configuration with roots and authentication (kms/service/service-config.ts),
 * and `.gitseal.yaml` (cli/config.ts), which is read from a file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, renderConfig } from '../../../cli/config.js';
import { parsePolicy } from '../../../kms/service/policy.js';
import { parseServiceConfig } from '../../../kms/service/service-config.js';
import { fuzzInput } from '../mutate.js';
import { gitsealError, type FuzzTarget } from '../target.js';
import { readRepoFile, signatureVectors, vectorKeys, yamlTree } from './seeds.js';

export async function policyTarget(): Promise<FuzzTarget> {
  const seeds = [
    readRepoFile('examples/policy.yaml'),
    'gitseal-policy: 1\nrequireSignatures: ["a/*"]\nrules:\n  - {subjects: ["dev:alice"], scopes: ["*"], operations: [write]}\n',
    'gitseal-policy: 1\nrules:\n  - {subjects: [dev:a], scopes: ["payments/app-*", "*/db"], operations: [rewrap], effect: deny}\n',
  ];
  return { name: 'policy', arbitrary: fuzzInput(seeds, { values: seeds.map(yamlTree), format: 'yaml' }), parse: (text) => parsePolicy(text, 'policy.yaml'), typed: gitsealError };
}

export async function serviceConfigTarget(): Promise<FuzzTarget> {
  const example = readRepoFile('examples/serve/service.yaml').replace('gitseal-writer1:mldsa65-ed25519:…', signatureVectors().writer.key);
  const minimal = 'gitseal-service: 1\ntls: {cert: c.pem, key: k.pem}\nroot: {type: passphrase}\nkeys: k.yaml\npolicy: p.yaml\naudit: a.log\n';
  const seeds = [
    example,
    minimal,
    `${minimal}bootstrap: {namespace: secrets}\n`,
    example.replace(/type: aws-kms[^]*?checkInterval: 300/, 'type: gcp-kms\n  name: projects/P/locations/l/keyRings/r/cryptoKeys/k'),
    example.replace(/tokenReview: \{\}/, 'jwksUri: https://kubernetes.default.svc/openid/v1/jwks'),
  ];
  return {
    name: 'service-config',
    arbitrary: fuzzInput(seeds, { values: seeds.map(yamlTree), format: 'yaml' }),
    parse: (text) => parseServiceConfig(text, '/etc/gitseal/service.yaml'),
    typed: gitsealError,
  };
}

export async function gitsealConfigTarget(): Promise<FuzzTarget> {
  const recipients = Object.values(vectorKeys()).map((k) => k.recipient);
  const w = signatureVectors().writer;
  const seeds = [
    renderConfig(recipients, 'strict'),
    `${renderConfig(recipients.slice(0, 1), 'namespace')}requireSignatures: true\nwriters:\n  - name: ${w.name}\n    key: ${w.key}\n    signsFor: true\n`,
    "recipients: []\ncreation_rules:\n  - {path_regex: 'x', scope: cluster, readable: [a.b], recipients: []}\n",
  ];
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-fuzz-config-'));
  const file = join(dir, '.gitseal.yaml');
  return {
    name: 'gitseal-config',
    arbitrary: fuzzInput(seeds, { values: seeds.map(yamlTree), format: 'yaml' }),
    parse: (text) => {
      writeFileSync(file, text);
      return loadConfig(file);
    },
    typed: gitsealError,
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
