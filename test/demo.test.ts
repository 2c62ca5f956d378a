import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';

// Keeps the README's quick start true: the demo must run and round-trip byte for byte.
it('examples/demo.sh encrypts and decrypts the example Secret byte for byte', () => {
  expect(existsSync('dist/gitseal.mjs')).toBe(true);
  const out = execFileSync('sh', ['examples/demo.sh'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' } });
  expect(out).toContain('byte-exact round trip: OK');
  expect(out).toContain('MAC ok');
  expect(out).not.toContain('correct horse battery staple');
});
