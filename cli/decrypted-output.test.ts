import { describe, expect, it } from 'vitest';
import { codeOf } from '../test/helpers/errors.js';
import { extractValue, formatDecrypted, toJson } from './decrypted-output.js';

describe('decrypted output', () => {
  it('keeps a file in its own type byte for byte, and converts between YAML and JSON', () => {
    const yaml = '# note\na: 1   # kept\n';
    expect(formatDecrypted(yaml, undefined, false)).toBe(yaml);
    expect(formatDecrypted(yaml, 'yaml', false)).toBe(yaml);
    expect(formatDecrypted(yaml, 'json', false)).toBe('{\n  "a": 1\n}\n');
    expect(formatDecrypted('{"a": [1, 2]}\n', 'yaml', true)).toBe('a:\n  - 1\n  - 2\n');
    expect(formatDecrypted('a: 1\n---\nb: 2\n', 'json', false)).toBe('[\n  {\n    "a": 1\n  },\n  {\n    "b": 2\n  }\n]\n');
  });

  it('writes integers past 2^53 exactly and !!binary as base64', () => {
    expect(toJson({ big: 12345678901234567890n, neg: -9007199254740993n, small: 5n })).toBe('{\n  "big": 12345678901234567890,\n  "neg": -9007199254740993,\n  "small": 5\n}');
    expect(formatDecrypted('b: !!binary aGVsbG8=\n', 'json', false)).toBe('{\n  "b": "aGVsbG8="\n}\n');
    expect(formatDecrypted('n: 12345678901234567890\n', 'dotenv', false)).toBe('n=12345678901234567890\n');
    // A string cannot pass for such an integer.
    expect(JSON.parse(toJson({ s: 'bigint-00:5', t: '\u0000bigint:5\u0000' }))).toEqual({ s: 'bigint-00:5', t: '\u0000bigint:5\u0000' });
  });

  it('dotenv: a Secret gives its data decoded and stringData; values that are not plain are quoted and escaped', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  A: aGk=\nstringData:\n  B: "two words"\n  C: "line\\nnext \\"q\\" \\\\"\n  tls.key: x\n';
    expect(formatDecrypted(secret, 'dotenv', false)).toBe('A=hi\nB="two words"\nC="line\\nnext \\"q\\" \\\\"\n');
  });

  it('--extract: a string raw, a number as text, a mapping as YAML or JSON; a path found nowhere or twice is E_PATH', () => {
    const doc = 'kind: X\nspec:\n  url: "https://a"\n  port: 8080\n  tags: [a, b]\n  "x.y": dotted\n';
    expect(extractValue(doc, 'spec.url', 'yaml')).toBe('https://a');
    expect(extractValue(doc, '["spec"]["port"]', 'yaml')).toBe('8080');
    expect(extractValue(doc, 'spec.tags[1]', 'yaml')).toBe('b');
    expect(extractValue(doc, 'spec["x.y"]', 'yaml')).toBe('dotted');
    expect(extractValue(doc, 'spec.tags', 'yaml')).toBe('- a\n- b\n');
    expect(extractValue(doc, 'spec.tags', 'json')).toBe('[\n  "a",\n  "b"\n]\n');
    expect(codeOf(() => extractValue(doc, 'spec.url.deeper', 'yaml'))).toBe('E_PATH');
    expect(codeOf(() => extractValue(doc, 'spec.missing', 'yaml'))).toBe('E_PATH');
    expect(codeOf(() => extractValue(`${doc}---\n${doc}`, 'kind', 'yaml'))).toBe('E_PATH');
    expect(codeOf(() => extractValue(doc, 'spec..url', 'yaml'))).toBe('E_PATH');
  });
});
