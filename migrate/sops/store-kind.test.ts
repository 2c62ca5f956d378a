/** Which SOPS store wrote a file: binary and INI files are refused, a JSON document with one "data" key is not mistaken for one. */
import { describe, expect, it } from 'vitest';
import { codeOf, errorOf } from '../../test/helpers/errors.js';
import { SopsWriter } from '../../test/helpers/sops-writer.js';
import { openSops, parseSops } from './index.js';
import { importableStore } from './store-kind.js';

const KEY = new Uint8Array(32).map((_, i) => i + 1);

/** What Go sops's INI store writes for `sops -e creds.ini` (values shortened: the file is refused before they are read). */
const INI = `[database]
password = ENC[AES256_GCM,data:Yhq1Lw==,iv:1Jr2XJd6WJqJm8C9y5uH2bJtjj1JX3pZ4p1X3hFwTgE=,tag:0l8p6b1GQ6y6ZzXbP5fKcQ==,type:str]
user     = ENC[AES256_GCM,data:PeVi,iv:dRqz8b3Qm5oXK0O2iU5qkq1l8qZ9y7zvZbJ8mYqv3xw=,tag:o6Gm9V0n6A3n3b8X4Xb0Lw==,type:str]

[sops]
age__list_0__map_recipient = age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr
lastmodified               = 2024-05-06T07:08:09Z
mac                        = ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]
unencrypted_suffix         = _unencrypted
version                    = 3.9.4
`;

describe('SOPS binary files', () => {
  const w = new SopsWriter({ key: KEY });
  const bin = w.binary('line one\nline two: not YAML {\n');

  it('are refused with E_SOPS, never imported as the {"data": …} wrapper', () => {
    for (const name of ['files/file.txt', 'secrets.bin', 'secrets', undefined]) {
      const e = errorOf(() => parseSops(bin, undefined, name));
      expect(e.code).toBe('E_SOPS');
      expect(e.message).toContain('binary');
      expect(e.message).not.toContain('line one');
    }
    // However the file is named, and however the user says it is YAML.
    expect(codeOf(() => parseSops(bin, 'yaml', 'x.yaml'))).toBe('E_SOPS');
  });

  it('are JSON when the name ends in .json or --input-type json says so, as sops -d decides', () => {
    expect(importableStore(bin, undefined, 'secret.json')).toBe('json');
    expect(importableStore(bin, 'json', 'secrets.bin')).toBe('json');
    const opened = openSops(parseSops(bin, 'json', 'secrets.bin'), KEY);
    expect(JSON.parse(opened.plaintext)).toEqual({ data: 'line one\nline two: not YAML {\n' });
  });

  it('leave JSON files with more keys, or a "data" mapping, alone', () => {
    expect(importableStore(w.json({ data: 'x', other: 'y' }), undefined, 'x.sops')).toBe('json');
    expect(importableStore(w.json({ data: { a: 'b' } }), undefined, 'x.sops')).toBe('json');
    expect(importableStore(new SopsWriter({ key: KEY }).yaml([{ data: 'x' }]), undefined, 'x.bin')).toBe('yaml');
  });
});

describe('SOPS INI files', () => {
  it('are refused with E_SOPS saying INI is not supported, instead of "does not hold a mapping"', () => {
    const e = errorOf(() => parseSops(INI, undefined, 'creds.ini'));
    expect(e.code).toBe('E_SOPS');
    expect(e.message).toContain('INI');
    expect(codeOf(() => parseSops(INI.replace(/\n/g, '\r\n')))).toBe('E_SOPS');
    expect(errorOf(() => parseSops(INI, 'yaml')).message).toContain('INI');
  });

  it('are not confused with dotenv or YAML files', () => {
    const w = new SopsWriter({ key: KEY });
    expect(importableStore(w.dotenv({ A: 'b' }))).toBe('dotenv');
    expect(importableStore(w.yaml([{ note_unencrypted: 'x\n[sops]\ny' }]))).toBe('yaml');
  });
});
