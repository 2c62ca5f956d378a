import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isGitsealError } from '../core/errors.js';
import { NEW_PASSPHRASE_TRIES, promptHidden, promptNewPassphrase, type PromptIo } from './prompt.js';

/** A terminal double: what the user types, and what the prompt wrote (which must never echo it). */
function terminal(): { io: PromptIo; type(text: string): void; end(): void; shown(): string; raw: boolean[] } {
  const raw: boolean[] = [];
  const tty = Object.assign(new PassThrough(), { setRawMode: (on: boolean) => raw.push(on) });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => (shown += d.toString()));
  return { io: { input: tty, output }, type: (t) => tty.write(t), end: () => tty.end(), shown: () => shown, raw };
}

const codeOfRejection = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'success',
    (e: unknown) => (isGitsealError(e) ? e.code : `not a GitsealError: ${String(e)}`),
  );

describe('promptHidden', () => {
  it('reads one line in raw mode without echo, with backspace, and leaves raw mode', async () => {
    const t = terminal();
    const answer = promptHidden('Passphrase: ', t.io);
    t.type('hunterX\u007f2\r');
    expect(await answer).toBe('hunter2');
    expect(t.shown()).toBe('Passphrase: \n');
    expect(t.raw).toEqual([true, false]);
  });

  it('keeps what was typed after the line for the next prompt (a pasted pair of lines)', async () => {
    const t = terminal();
    t.type('first\r\nsecond\n');
    expect(await promptHidden('a: ', t.io)).toBe('first');
    expect(await promptHidden('b: ', t.io)).toBe('second');
  });

  it('Ctrl-C, Ctrl-D on an empty line and the end of input are E_PASSPHRASE', async () => {
    for (const keys of ['ab\u0003', '\u0004']) {
      const t = terminal();
      const p = promptHidden('p: ', t.io);
      t.type(keys);
      expect(await codeOfRejection(p)).toBe('E_PASSPHRASE');
    }
    const t = terminal();
    const p = promptHidden('p: ', t.io);
    t.end();
    expect(await codeOfRejection(p)).toBe('E_PASSPHRASE');
  });
});

describe('promptNewPassphrase', () => {
  const CANARY = 'CANARY-pass-7f3a';

  it('asks twice and returns the passphrase when both match', async () => {
    const t = terminal();
    const p = promptNewPassphrase('keys.yaml', t.io);
    t.type(`${CANARY}\r${CANARY}\r`);
    expect(await p).toBe(CANARY);
    expect(t.shown()).toBe('New passphrase for keys.yaml: \nType it again: \n');
  });

  it('on a mismatch says so and asks both again', async () => {
    const t = terminal();
    const p = promptNewPassphrase('keys.yaml', t.io);
    t.type(`${CANARY}\r${CANARY}x\r${CANARY}\r${CANARY}\r`);
    expect(await p).toBe(CANARY);
    expect(t.shown().match(/New passphrase/g)).toHaveLength(2);
    expect(t.shown()).toContain('the two passphrases differ; try again');
    expect(t.shown()).not.toContain(CANARY);
  });

  it(`fails with E_PASSPHRASE after ${NEW_PASSPHRASE_TRIES} mismatches, naming no passphrase`, async () => {
    const t = terminal();
    const p = promptNewPassphrase('keys.yaml', t.io);
    for (let i = 0; i < NEW_PASSPHRASE_TRIES; i++) t.type(`${CANARY}\r${CANARY}${i}\r`);
    const e = await p.then(
      () => null,
      (err: unknown) => err,
    );
    expect(isGitsealError(e, 'E_PASSPHRASE')).toBe(true);
    expect(String((e as Error).message)).not.toContain(CANARY);
    expect(t.shown()).not.toContain(CANARY);
  });

  it('an empty first answer is returned at once for the caller to refuse', async () => {
    const t = terminal();
    const p = promptNewPassphrase('keys.yaml', t.io);
    t.type('\r');
    expect(await p).toBe('');
    expect(t.shown()).not.toContain('Type it again');
  });
});
