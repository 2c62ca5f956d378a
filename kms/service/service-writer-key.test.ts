import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writerFromSecret } from '../../core/crypto/writer-key.js';
import { codeOf } from '../../test/helpers/errors.js';
import { createServiceWriterKey, readServiceWriterKey } from './service-writer-key.js';

const dir = mkdtempSync(join(tmpdir(), 'gitseal-service-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the service's writer key file", () => {
  it('is made once, mode 0600, and read back as the same key with its secret', () => {
    const file = join(dir, 'writer.yaml');
    const made = createServiceWriterKey(file)!;
    expect(made.kid).toMatch(/^w-[0-9a-f]{16}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('gitseal-writer: 1');
    expect(createServiceWriterKey(file)).toBeNull();
    expect(readFileSync(file, 'utf8')).toBe(text);
    const read = readServiceWriterKey(file);
    expect(read.key).toEqual(made);
    expect(writerFromSecret(read.secret).kid).toBe(made.kid);
  });

  it('refuses a missing file with E_IO and another file with E_WRITER_KEY', () => {
    expect(codeOf(() => readServiceWriterKey(join(dir, 'none.yaml')))).toBe('E_IO');
    writeFileSync(join(dir, 'other.yaml'), 'gitseal-service: 1\n');
    expect(codeOf(() => readServiceWriterKey(join(dir, 'other.yaml')))).toBe('E_WRITER_KEY');
  });
});
