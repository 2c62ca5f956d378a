/** The registry of roots of trust: a list of self-describing modules. */
import { describe, expect, it } from 'vitest';
import { isGitsealError } from '../../core/errors.js';
import { parseRootConfig, ROOT_MODULES } from './index.js';

function messageOf(value: unknown): string {
  try {
    parseRootConfig(value, 'root');
  } catch (e) {
    if (isGitsealError(e, 'E_CONFIG')) return e.message;
    throw e;
  }
  throw new Error('expected E_CONFIG');
}

describe('ROOT_MODULES', () => {
  it('gives every root a distinct kind', () => {
    const kinds = ROOT_MODULES.map((m) => m.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds).toEqual(['passphrase', 'pkcs11', 'aws-kms', 'gcp-kms']);
  });

  for (const root of ROOT_MODULES) {
    describe(root.kind, () => {
      it('parses its own example configuration into a configuration of its kind', () => {
        expect(root.example['type']).toBe(root.kind);
        const config = parseRootConfig(root.example, 'root');
        expect(config.type).toBe(root.kind);
        expect(config.checkInterval).toBe(300);
        for (const [k, v] of Object.entries(root.example)) expect(config, k).toHaveProperty(k, v);
      });

      it('declares only fields of its own, and refuses any other', () => {
        for (const k of root.fields) expect(['type', 'checkInterval']).not.toContain(k);
        const other = ROOT_MODULES.flatMap((m) => m.fields).find((k) => !root.fields.includes(k));
        expect(messageOf({ ...root.example, [other!]: 'x' })).toBe(`root: unknown field ${other} for type ${root.kind}`);
      });
    });
  }

  it('names every registered kind when the type is unknown', () => {
    expect(messageOf({ type: 'vault' })).toBe('root: type must be one of passphrase, pkcs11, aws-kms, gcp-kms');
  });
});
