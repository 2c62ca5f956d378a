/**
 * Asking for a passphrase on the terminal, without echo. The streams are
 * parameters so tests can type into them; the CLI passes stdin and stderr
 * (stdout may be a pipe carrying the command's output).
 */
import { fail, GitsealError } from '../core/errors.js';

/** Where a prompt reads and writes: a terminal's stdin (raw mode when it has one) and stderr. */
export interface PromptIo {
  readonly input: NodeJS.ReadableStream & { setRawMode?: (raw: boolean) => unknown };
  readonly output: NodeJS.WritableStream;
}

const TERMINAL: PromptIo = { input: process.stdin, output: process.stderr };

/** Tries at a new passphrase before giving up, as passwd(1) does. */
export const NEW_PASSPHRASE_TRIES = 3;

/**
 * Reads a line from the terminal without echoing it. Bytes typed after the
 * line (a paste of two lines) are kept for the next prompt. Throws
 * E_PASSPHRASE when interrupted (Ctrl-C, Ctrl-D on an empty line, end of input).
 */
export function promptHidden(question: string, io: PromptIo = TERMINAL): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const { input, output } = io;
    output.write(question);
    input.setRawMode?.(true);
    let answer = '';
    const done = (err: Error | null, rest?: string) => {
      input.setRawMode?.(false);
      input.off('data', onData);
      input.off('end', onEnd);
      if (rest) input.unshift(Buffer.from(rest, 'utf8'));
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolvePromise(answer);
    };
    const interrupted = () => new GitsealError('E_PASSPHRASE', 'no passphrase: the prompt was interrupted');
    const onEnd = () => done(interrupted());
    const onData = (chunk: Buffer | string) => {
      const chars = [...chunk.toString()];
      for (const [i, ch] of chars.entries()) {
        if (ch === '\r' || ch === '\n') {
          // A terminal sends \r in raw mode; a paste or a pipe may send \r\n.
          const next = ch === '\r' && chars[i + 1] === '\n' ? i + 2 : i + 1;
          return done(null, chars.slice(next).join(''));
        }
        if (ch === '\u0003' || (ch === '\u0004' && answer === '')) return done(interrupted());
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}

/**
 * Asks for a new passphrase, then for it again, so a typo does not seal a
 * key nobody can open. On a mismatch it says so and asks both again, up to
 * NEW_PASSPHRASE_TRIES times. Returns the passphrase (possibly empty: the
 * caller decides). Throws E_PASSPHRASE when every try differed or the
 * prompt was interrupted.
 */
export async function promptNewPassphrase(what: string, io: PromptIo = TERMINAL): Promise<string> {
  for (let attempt = 1; attempt <= NEW_PASSPHRASE_TRIES; attempt++) {
    const first = await promptHidden(`New passphrase for ${what}: `, io);
    if (first === '') return first;
    const again = await promptHidden('Type it again: ', io);
    if (first === again) return first;
    if (attempt < NEW_PASSPHRASE_TRIES) io.output.write('gitseal: the two passphrases differ; try again\n');
  }
  return fail('E_PASSPHRASE', `the two passphrases differed ${NEW_PASSPHRASE_TRIES} times: nothing was written`);
}
