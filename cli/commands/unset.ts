import { parsePathExpression } from '../../core/format/plain-document.js';
import { openedLeaves } from '../../core/format/seal.js';
import { renderOpened } from '../../core/format/stream.js';
import { unsetValue } from '../../core/format/yaml-edit.js';
import { emitOutput } from '../files.js';
import { locate } from '../locate.js';
import { openFile, reseal } from '../open-file.js';
import type { UnsetOptions } from './unset.command.js';

export async function run(opts: UnsetOptions): Promise<void> {
  const f = await openFile(opts.file, opts.key);
  const path = parsePathExpression(opts.path);
  const docIndex = locate(f.opened.map(openedLeaves), path, false);
  emitOutput(await reseal(f, unsetValue(renderOpened(f.opened), docIndex, path)), { file: f.file, inPlace: f.file !== '-' });
}
