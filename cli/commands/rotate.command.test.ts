import { describe, expect, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { rotateCommand } from './rotate.command.js';
import { run } from './rotate.js';

describe('gitseal rotate', () => {
  it('takes files and --key; recipients come from .gitseal.yaml only', async () => {
    expect(await optionsFor(rotateCommand, ['rotate', 'a.yaml', 'b.yaml', '--key', 'k.yaml'])).toMatchObject({ files: ['a.yaml', 'b.yaml'], key: 'k.yaml' });
    await expectUsageError(['rotate', 'a.yaml', '-r', 'x'], 'unknown option -r for rotate: gitseal rotate --help lists them');
  });

  it('needs a file, or --all (which may name folders to limit it to)', async () => {
    await expect(run(await optionsFor(rotateCommand, ['rotate']))).rejects.toMatchObject({ code: 'E_USAGE', message: 'name the files to rotate, or --all' });
    expect(await optionsFor(rotateCommand, ['rotate', '--all'])).toMatchObject({ all: true });
    expect(await optionsFor(rotateCommand, ['rotate', '--all', 'apps'])).toMatchObject({ all: true, files: ['apps'] });
  });
});
