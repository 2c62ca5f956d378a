import { basename } from 'node:path';
import { fail, GitsealError, isGitsealError, type ErrorCode } from '../../core/errors.js';
import { runWithPlaintext } from '../child-with-plaintext.js';
import { errorHeader, stripHeader, withHeader } from '../edit-header.js';
import { editTarget } from '../edit-target.js';
import { writeAtomic } from '../files.js';
import { createRamFile, type RamFile } from '../plaintext-file.js';
import type { EditOptions } from './edit.command.js';

/** The editor on the RAM file, through sh as git does, so EDITOR may carry arguments ("code --wait"). */
const runEditor = (editor: string, tmp: RamFile): Promise<number | null> =>
  runWithPlaintext(tmp, '/bin/sh', ['-c', `${editor} "$1"`, 'gitseal-edit', tmp.path], 'the file is unchanged');

/** Errors about the edited text: the editor opens again on it, with the error on top, instead of losing the edit. */
const TEXT_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'E_YAML',
  'E_DUPLICATE_KEY',
  'E_ALIAS_LIMIT',
  'E_NOT_MAPPING',
  'E_UNSUPPORTED',
  'E_ALREADY_ENCRYPTED',
  'E_SECRET_INVALID',
  'E_TOO_LARGE',
  'E_EDITOR', // conflict markers left in the text (cli/edit-target.ts)
]);
/** A scripted EDITOR that writes new invalid text each time would otherwise never stop. */
const MAX_ROUNDS = 20;

export async function run(opts: EditOptions): Promise<void> {
  const file = opts.file;
  if (file === '-') fail('E_USAGE', 'edit needs a file, not standard input');
  const target = await editTarget(file, opts.key);
  const unchanged = target.created ? `nothing written; ${file} was not created` : `${file} is unchanged`;
  const tmp = createRamFile(basename(file).replace(/\.(ya?ml|json)$/, '') + (target.json ? '.json' : '.yaml'), withHeader(target.header, target.view));
  try {
    const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
    let failed: { error: GitsealError; text: string } | undefined;
    for (let round = 1; ; round++) {
      if ((await runEditor(editor, tmp)) !== 0) fail('E_EDITOR', `the editor (${editor}) failed; ${unchanged}`);
      const text = stripHeader(tmp.read());
      if (text.trim() === '') {
        process.stderr.write(`gitseal: the text is empty: ${unchanged}\n`);
        return;
      }
      // Left as it was after an error: the user gives up, and the error stands.
      if (failed && text === failed.text) throw new GitsealError(failed.error.code, `${failed.error.message}; ${unchanged}`);
      if (text === target.view && !target.conflicted) {
        process.stderr.write(`gitseal: no changes; ${unchanged}\n`);
        return;
      }
      try {
        writeAtomic(file, await target.seal(text));
        return;
      } catch (e) {
        if (!isGitsealError(e) || !TEXT_ERRORS.has(e.code) || round === MAX_ROUNDS) throw e;
        process.stderr.write(`gitseal: ${e.message} [${e.code}]: opening the editor again\n`);
        failed = { error: e, text };
        tmp.write(withHeader(errorHeader(e, file), text));
      }
    }
  } finally {
    tmp.wipe();
  }
}
