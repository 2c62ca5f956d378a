/**
 * What `gitseal edit` opens for a file that does not exist yet: a Secret
 * skeleton (YAML, or JSON for a `.json` file) named after the file, under a
 * comment block that says where it will be encrypted, for whom (the
 * recipients and scope the creation rules of `.gitseal.yaml` give that
 * path), and how to write nothing. SOPS opens an example file for the same
 * reason; a Kubernetes Secret is what most gitseal files hold.
 */
import { basename } from 'node:path';
import type { FilePolicy } from './config.js';
import type { Recipient } from '../core/crypto/recipients/types.js';

export interface Template {
  /** The comment lines above the skeleton (cli/edit-header.ts). */
  readonly header: readonly string[];
  readonly skeleton: string;
}

/** `db.enc.yaml` → `db`: a lower-case DNS-1123 name, as Kubernetes wants. */
function secretName(file: string): string {
  const stem = basename(file).replace(/(\.enc)?\.(ya?ml|json)$/i, '');
  const name = stem.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 253);
  return name || 'my-secret';
}

export function newFileTemplate(file: string, policy: FilePolicy, recipients: readonly Recipient[]): Template {
  const name = secretName(file);
  const skeleton = /\.json$/i.test(file)
    ? `${JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type: 'Opaque', stringData: { key: 'value' } }, null, 2)}\n`
    : `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: default\ntype: Opaque\nstringData:\n  key: value\n`;
  return {
    header: [
      `${file} does not exist: write its plaintext below (a Secret, or any YAML or JSON mapping), save and quit to encrypt it there`,
      `recipients: ${recipients.map((r) => r.kid).join(', ')}; scope: ${policy.scope} (${policy.matched ? 'the creation rule of .gitseal.yaml that matches this path' : '.gitseal.yaml'})`,
      'leave it unchanged, or empty, to write nothing; lines that start with "# gitseal:" are removed before encrypting',
    ],
    skeleton,
  };
}
