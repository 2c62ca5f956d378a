import { fail } from '../../core/errors.js';
import { parsePathExpression } from '../../core/format/plain-document.js';
import { openedLeaves } from '../../core/format/seal.js';
import { renderOpened } from '../../core/format/stream.js';
import { setValue, type NewValue } from '../../core/format/yaml-edit.js';
import { emitOutput, readInput } from '../files.js';
import { openFile, reseal } from '../open-file.js';
import { locate } from '../locate.js';
import type { SetOptions } from './set.command.js';

function newValue(opts: SetOptions): NewValue {
  let v = opts.value;
  // "-" reads the value from stdin so it stays out of shell history and `ps`.
  if (v === '-') v = readInput('-').replace(/\r?\n$/, '');
  if (opts.json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      return fail('E_USAGE', 'VALUE is not valid JSON (--json)');
    }
    if (typeof parsed === 'string') return { string: parsed };
    if (parsed === null || typeof parsed === 'number' || typeof parsed === 'boolean') return { literal: JSON.stringify(parsed) };
    return fail('E_USAGE', 'VALUE must be a single JSON string, number, boolean or null');
  }
  return { string: opts.base64 ? Buffer.from(v, 'utf8').toString('base64') : v };
}

export async function run(opts: SetOptions): Promise<void> {
  // Standard input can be read once: the file would take it all and the value would silently be empty.
  if (opts.file === '-' && opts.value === '-') fail('E_USAGE', 'FILE and VALUE cannot both be standard input (-): name the file, and pipe the value');
  const f = await openFile(opts.file, opts.key);
  const path = parsePathExpression(opts.path);
  const value = newValue(opts);
  const docIndex = locate(f.opened.map(openedLeaves), path, true);
  const plaintext = setValue(renderOpened(f.opened), docIndex, path, value);
  emitOutput(await reseal(f, plaintext), { file: f.file, inPlace: f.file !== '-' });
}
