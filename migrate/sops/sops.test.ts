/** SOPS reader/writer: pinned vectors, the independent test writer, sops-age as reference, MAC rules, formats. */
import { decryptSops } from 'sops-age';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { recoverDataKey } from './keys.js';
import { ageKeyFor, SopsWriter } from '../../test/helpers/sops-writer.js';
import { isGitsealError } from '../../core/errors.js';
import { openSops, parseSops, sealSopsTree } from './index.js';
import { encryptRule, macAad, parseMetadata } from './metadata.js';
import { decryptValue, encryptValue, goFloat, macText } from './values.js';

const KEY = new Uint8Array(32).map((_, i) => i);
const IV1 = new Uint8Array(32).fill(1);

/**
 * Built by hand: data key 00 01 … 1f, IV n = 32 bytes of n, lastmodified
 * 2024-05-06T07:08:09Z. The first ciphertext was checked with Python's
 * `cryptography` AESGCM (32-byte nonce, AAD "password:").
 */
const PINNED = `password: ENC[AES256_GCM,data:0dHHk7zYWw==,iv:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=,tag:XwaM3Ik5x6m57CFhZ7OK0g==,type:str]
port: ENC[AES256_GCM,data:Wk/Kdw==,iv:AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=,tag:N0lqXciFeVhDK4Xu6vRhrA==,type:int]
ratio: ENC[AES256_GCM,data:W1p2,iv:AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=,tag:o301IMY048OwYnSzhUBUkQ==,type:float]
on: ENC[AES256_GCM,data:Gn4aDA==,iv:BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ=,tag:Rr1BUc1V5sqkkd9rG6HQbQ==,type:bool]
note_unencrypted: plain
tags:
  - ENC[AES256_GCM,data:kQ==,iv:BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU=,tag:3uMqU+TtpM7WFCIflKo8ew==,type:str]
  - null
sops:
  lastmodified: "2024-05-06T07:08:09Z"
  mac: ENC[AES256_GCM,data:gaeDSvr1NfzdcZCqH2pkDemgtzXJVRs3OTOFQIUCWB5ORrc6q8opx0fUzX2A6EcpVdx7VQtGFPlYuKAOk1CQT1LCXOQT9VQuE3Lf5HrlNhoDYvnow9BqX+T5OnboBLJ7lH7oYT1iJGiw8WnfOh4ouSotlEsHCkyUOd48cF2lPzE=,iv:BgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgY=,tag:6e1YYVSs4WgA0S3fMF70Rg==,type:str]
  unencrypted_suffix: _unencrypted
  version: 3.9.4
`;

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return isGitsealError(e) ? e.code : `not a GitsealError: ${String(e)}`;
  }
  return 'no error';
};

describe('values', () => {
  it('pins AES-256-GCM with a 32-byte IV and "path:" additional data', () => {
    expect(encryptValue('hunter2', KEY, 'password:', IV1)).toBe(
      'ENC[AES256_GCM,data:0dHHk7zYWw==,iv:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=,tag:XwaM3Ik5x6m57CFhZ7OK0g==,type:str]',
    );
  });
  it('restores types and refuses a wrong path or key with E_SOPS_MAC', () => {
    for (const v of ['x', 5, -3, true, false, { float: 2.5 }, { float: 3 }] as const) {
      const enc = encryptValue(v, KEY, 'a:b:');
      expect(decryptValue(enc, KEY, 'a:b:').value).toEqual(v);
      expect(code(() => decryptValue(enc, KEY, 'a:'))).toBe('E_SOPS_MAC');
    }
    expect(code(() => decryptValue('ENC[AES256_GCM,data:xx,iv:,tag:x,type:str]', KEY, 'a:'))).toBe('E_SOPS');
  });
  it('keeps empty strings empty and formats MAC text like Go', () => {
    expect(encryptValue('', KEY, 'a:')).toBe('');
    expect(macText(true)).toBe('True');
    expect(macText(false)).toBe('False');
    expect(macText({ float: 2 })).toBe('2');
    expect(goFloat(1e21)).toBe('1000000000000000000000');
    expect(goFloat(1.5e-7)).toBe('0.00000015');
    expect(goFloat(-0.25)).toBe('-0.25');
  });
});

describe('metadata', () => {
  it('rejects unknown versions and key groups', () => {
    expect(code(() => parseMetadata({ version: '4.0.0', lastmodified: 'x' }))).toBe('E_SOPS');
    expect(code(() => parseMetadata({ version: 'banana', lastmodified: 'x' }))).toBe('E_SOPS');
    expect(code(() => parseMetadata({ version: '3.9.0', lastmodified: 'x', key_groups: [{}] }))).toBe('E_SOPS');
    expect(code(() => parseMetadata(undefined))).toBe('E_SOPS');
    expect(parseMetadata({ version: '3.7.3', lastmodified: 'x' }).version).toBe('3.7.3');
  });
  it('applies the encryption rules to every key on the path', () => {
    const r = encryptRule({ unencryptedSuffix: '_unencrypted' });
    expect(r(['a', 'b'])).toBe(true);
    expect(r(['a_unencrypted', 'b'])).toBe(false);
    const re = encryptRule({ encryptedRegex: '^(data|stringData)$' });
    expect(re(['metadata', 'name'])).toBe(false);
    expect(re(['data', 'x'])).toBe(true);
    expect(encryptRule({ encryptedSuffix: '_secret' })(['a', 'b_secret'])).toBe(true);
    expect(encryptRule({ unencryptedRegex: '(?i)^PUBLIC' })(['public_x'])).toBe(false);
    expect(macAad('2024-05-06T07:08:09.123456Z')).toBe('2024-05-06T07:08:09Z');
  });
});

describe('open', () => {
  it('opens the hand-built file, checking its MAC, with types restored', () => {
    const out = openSops(parseSops(PINNED), KEY);
    expect(out.macOk).toBe(true);
    expect(parse(out.plaintext)).toEqual({ password: 'hunter2', port: 5432, ratio: 1.5, on: true, note_unencrypted: 'plain', tags: ['a', null] });
    expect(out.plaintext).not.toContain('sops');
  });
  it('detects an edited unencrypted value (MAC covers it) unless ignoreMac', () => {
    const edited = PINNED.replace('note_unencrypted: plain', 'note_unencrypted: other');
    expect(code(() => openSops(parseSops(edited), KEY))).toBe('E_SOPS_MAC');
    const out = openSops(parseSops(edited), KEY, { ignoreMac: true });
    expect(out.macOk).toBe(false);
    expect(parse(out.plaintext).note_unencrypted).toBe('other');
  });
  it('refuses swapped ciphertexts, a wrong key, a missing MAC', () => {
    const lines = PINNED.split('\n');
    const swapped = [lines[1]!.replace('port:', 'password:').replace(/^password/, 'password'), lines[0]!.replace('password:', 'port:'), ...lines.slice(2)].join('\n');
    expect(code(() => openSops(parseSops(swapped), KEY))).toBe('E_SOPS_MAC');
    expect(code(() => openSops(parseSops(PINNED), new Uint8Array(32)))).toBe('E_SOPS_MAC');
    const noMac = PINNED.replace(/ {2}mac: .*\n/, '');
    expect(code(() => openSops(parseSops(noMac), KEY))).toBe('E_SOPS_MAC');
    expect(openSops(parseSops(noMac), KEY, { ignoreMac: true }).macOk).toBe(false);
  });
  it('refuses duplicate keys (checked in linear time)', () => {
    expect(code(() => openSops(parseSops(PINNED.replace('note_unencrypted: plain', 'note_unencrypted: plain\npassword: x')), KEY))).toBe('E_DUPLICATE_KEY');
  });
  it('refuses a too-new version and non-SOPS input', () => {
    expect(code(() => parseSops(PINNED.replace('version: 3.9.4', 'version: 4.1.0')))).toBe('E_SOPS');
    expect(code(() => parseSops('a: 1\n'))).toBe('E_SOPS');
  });

  it('matches sops-age on files from the independent writer (YAML, multi-doc, partial, JSON, dotenv)', async () => {
    const age = await ageKeyFor(KEY);
    const doc = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'pay' },
      stringData: { password: 'p@ss: "word"\nline2', empty: '', n: 42, f: 0.125, ok: false },
      list: ['x', 7, null, { deep: 'y' }],
    };
    const w = new SopsWriter({ key: KEY, age: [age.entry] });
    const yaml = w.yaml([doc]);
    expect(parse(openSops(parseSops(yaml), KEY).plaintext)).toEqual(await decryptSops(yaml, { secretKey: age.identity, fileType: 'yaml' }));

    const json = w.json(doc);
    const fromJson = openSops(parseSops(json), KEY);
    expect(fromJson.format).toBe('json');
    expect(JSON.parse(fromJson.plaintext)).toEqual(await decryptSops(json, { secretKey: age.identity, fileType: 'json' }));

    const env = w.dotenv({ DB_PASSWORD: 'hunter2', URL: 'https://x/?a=b' });
    const fromEnv = openSops(parseSops(env), KEY);
    expect(parse(fromEnv.plaintext)).toEqual({ DB_PASSWORD: 'hunter2', URL: 'https://x/?a=b' });
    expect(parse(fromEnv.plaintext)).toEqual(await decryptSops(env, { secretKey: age.identity, fileType: 'env' }));

    const partial = new SopsWriter({ key: KEY, encryptedRegex: '^(data|stringData)$', macOnlyEncrypted: true }).yaml([doc]);
    expect(partial).toContain('name: db');
    expect(parse(openSops(parseSops(partial), KEY).plaintext)).toEqual(doc);

    const multi = w.yaml([doc, { other: 'doc', n: 1 }]);
    const docs = parseAllDocuments(openSops(parseSops(multi), KEY).plaintext);
    expect((docs as unknown as Array<{ toJS(): unknown }>).map((d) => d.toJS())).toEqual([doc, { other: 'doc', n: 1 }]);
    expect(code(() => openSops(parseSops(multi.replace('n: ENC', 'n: 2\nx: ENC')), KEY))).not.toBe('no error');
  });

  it('decrypts SOPS-encrypted comments and keeps plain ones', () => {
    const w = new SopsWriter({ key: KEY });
    const base = w.yaml([{ a: 'x', b: { c: 'y' } }]);
    const text = base
      .replace(/^a:/m, `#${encryptValue(' top comment', KEY, ':', undefined, true)}\n# plain comment\na:`)
      .replace(/^ {2}c:/m, `  #${encryptValue(' inner', KEY, 'b:', undefined, true)}\n  c:`);
    const out = openSops(parseSops(text), KEY).plaintext;
    expect(out).toContain('# top comment');
    expect(out).toContain('# plain comment');
    expect(out).toContain('# inner');
    expect(out).not.toContain('ENC[');
  });
});

describe('seal (export)', () => {
  it('round-trips through the reader and sops-age, binding lastmodified', async () => {
    const age = await ageKeyFor(KEY);
    const plain = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n# a comment\nstringData:\n  password: hunter2\n  port: 5432\n  f: 1.0\n  on: true\n  port_unencrypted: 80\n';
    const s = sealSopsTree(plain, KEY, { ageKeys: [age.entry], lastModified: '2025-01-02T03:04:05Z', version: '3.9.4' });
    expect(s.text).not.toContain('hunter2');
    expect(s.text).toContain('lastmodified: "2025-01-02T03:04:05Z"');
    expect(s.droppedComments).toBe(1);
    const back = openSops(parseSops(s.text), KEY);
    expect(back.macOk).toBe(true);
    expect(parse(back.plaintext)).toEqual(parse(plain));
    expect(back.plaintext).toContain('f: 1.0');
    expect(await decryptSops(s.text, { secretKey: age.identity, fileType: 'yaml' })).toEqual(parse(plain));
    expect(code(() => openSops(parseSops(s.text.replace('2025-01-02T03:04:05Z', '2025-01-02T03:04:06Z')), KEY))).toBe('E_SOPS_MAC');
    const json = sealSopsTree('{"a": {"b": "c"}, "n": 2}', KEY, { ageKeys: [age.entry], lastModified: '2025-01-02T03:04:05Z', version: '3.9.4' });
    expect(JSON.parse(openSops(parseSops(json.text), KEY).plaintext)).toEqual({ a: { b: 'c' }, n: 2 });
  });
});

/**
 * Written by the real SOPS 3.8.1 binary (test data of the sops-age project, MIT) with its
 * published test-only age key: checks the MAC rules (booleans, floats, sequences) against SOPS itself.
 */
const REAL_SOPS_KEY = 'AGE-SECRET-KEY-1QXRVEJH9S4NQU0FPD6V79ESZQ8S6PXH3L8V40EVPTHFH6KNKD4DQ7SKC4P';
const REAL_SOPS_YAML = `secret: ENC[AES256_GCM,data:ME9a8+qqBCwXn0eqF010rw==,iv:uhdG6vcUoywenIi6EDaXDvyhWb/2Lv6kL4MiLdLb/kU=,tag:llVdEID432oMefr5T2tl2g==,type:str]
string: ENC[AES256_GCM,data:LNzAFGse,iv:g4HM7I6aFegw57M+BOiVAV5WncBM6MHW2UECAnFkjRo=,tag:PTFT1DrCt9SiLlspc14oBQ==,type:str]
int: ENC[AES256_GCM,data:Ag==,iv:7mZlIiottanvOoufMaIRtOYNmq0yr3E0HBbChYkB7sc=,tag:FSHs1hYNQEkBAFCRYbcEUw==,type:int]
float: ENC[AES256_GCM,data:xXzcgA==,iv:nfQv47XSb+3zRPL7hZPlxtPcfhdHfXDVVf28/DpoaZ4=,tag:1S0vEap4M1RvG61FhDOUmA==,type:float]
boolean: ENC[AES256_GCM,data:qw4M9Q==,iv:6nWrJg5eHsgOpxQsTX3Z3egkRFKeVi5UztF3ccd6Nqk=,tag:n7Dnj1JtcCKBr1JTAzhhpA==,type:bool]
complex:
  value: ENC[AES256_GCM,data:pMPbf0Sq8YbouaBiYGmbbA==,iv:KQQkVbKqwAq9ijals9CiA/WYrv1qTvLOTq3lM7QeCQI=,tag:2S1rFDGNpu8vIDcOOW88AA==,type:str]
  array:
    - ENC[AES256_GCM,data:dDBg,iv:yQOKyyjy49vtuYeAGmwug6Bgj+r/nGAAq028IXGswWw=,tag:Uk5/fV0k2ICcHPY7gJfMNQ==,type:str]
    - ENC[AES256_GCM,data:SBYe,iv:bAQvkNXxAJs+s5BTa1/pBhoHSdM2b7a9PsV7YDAv2+8=,tag:AI0LFWDSe8LPl44vZlYTDg==,type:str]
    - ENC[AES256_GCM,data:U5QgThs=,iv:tDwNdnTOGTRCqoVmD/csblAftp33T/U4u+XITLmp0F4=,tag:jPJGfNYoG14OHkJEKWpDcA==,type:str]
sops:
  kms: []
  gcp_kms: []
  azure_kv: []
  hc_vault: []
  age:
    - recipient: age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr
      enc: |
        -----BEGIN AGE ENCRYPTED FILE-----
        YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBEaC9kMkV4d3FCWHlKN0Iz
        dkxWVmwvSmpuckN5Uk56Tjd5Wm04NitDeVhvCm5sb21XT0taNnY2QlRXN3hXc1No
        UWxQWHFZZ0hBb1p3NkpFdCtzNllkRDAKLS0tIGdLZ1pOUFFPYURLK0VqMFJUYndn
        YVB0U2wwQ21yTmc3Vk5BcjdXQ200U3MKY1GCVhawMSYQnY+eOo9ke2VqL8RTmZ0o
        iejCbKsOPtPfT14MX5TLORf8EY9QOgbCJRwckqyRhpErLR0SKQiaFA==
        -----END AGE ENCRYPTED FILE-----
  lastmodified: "2024-03-25T22:08:10Z"
  mac: ENC[AES256_GCM,data:VkH/rv9tvy2qLc9IDt83tu1WSy4JhI4BNY40xmlIclT5c/+nThdSoc8HBBj75YSVFCrtdORHKZGiw+O32vTCiuAz43Cv82aklh6mr2WmSliqi66Db3170C6hcUaMyjQ42CoEUb5CTDtzICo9de2hBOaVXHoqCOhfDblnn+YuG3g=,iv:tYmXV04d324Jb1Hg5XCmfMtn6yKl4dZEBjDHHSn5Fz4=,tag:Ohp2Jqo4f862lLFdE3bhzg==,type:str]
  pgp: []
  unencrypted_suffix: _unencrypted
  version: 3.8.1
`;

describe('a file written by SOPS itself', () => {
  it('opens with the age key, the MAC matches, types come back', async () => {
    const f = parseSops(REAL_SOPS_YAML);
    const key = await recoverDataKey(f.metadata, { ageIdentities: [REAL_SOPS_KEY], env: {} });
    const out = openSops(f, key);
    expect(out.macOk).toBe(true);
    expect(parse(out.plaintext)).toEqual({ secret: 'this is a secret', string: 'string', int: 7, float: 3.14, boolean: true, complex: { value: 'this is a secret', array: ['one', 'two', 'three'] } });
    expect(code(() => openSops(parseSops(REAL_SOPS_YAML.replace('2024-03-25T22:08:10Z', '2024-03-25T22:08:11Z')), key))).toBe('E_SOPS_MAC');
  });
});
