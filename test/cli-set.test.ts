/**
 * `gitseal set` refuses what it cannot do with a typed error, no stack
 * trace, and every file as it was (issue 17): FILE and VALUE both from
 * standard input, a path below a value, and the value `help`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { SECRET } from './helpers/fixtures.js';
import { snapshotTree } from './helpers/tree.js';
import { makeWorkspace, useWorkspaces } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
let enc = '';
beforeAll(async () => {
  const ws = await makeWorkspace();
  try {
    ws.write('s.yaml', SECRET);
    const r = await ws.run(['encrypt', 's.yaml']);
    expect(r.status, r.stderr).toBe(0);
    enc = r.stdout;
  } finally {
    ws.cleanup();
  }
});

describe.concurrent('gitseal set refuses', () => {
  it('FILE and VALUE both from standard input (it used to write the value empty)', async () => {
    const ws = await newWorkspace();
    const args = ['set', '-', 'stringData.username', '-'];
    const r = await ws.run(args, { input: enc });
    expect(r.status, describeRun(args, r)).toBe(2);
    expect(r.stderr).toContain('FILE and VALUE cannot both be standard input (-)');
    expect(r.stderr).toContain('[E_USAGE]');
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  for (const path of ['stringData.dsn.x', 'stringData.dsn.x.y', 'metadata.name.x', 'stringData.port[0]']) {
    it(`a path below a value: ${path}`, async () => {
      const ws = await newWorkspace();
      ws.write('s.enc.yaml', enc);
      const before = snapshotTree(ws.dir);
      const args = ['set', 's.enc.yaml', path, 'v'];
      const r = await ws.run(args);
      expect(r.status, describeRun(args, r)).toBe(21);
      const above = path.split(/[.[]/).slice(0, 2).join('.');
      expect(r.stderr).toContain(`gitseal: ${above} is a value, not a mapping or list: nothing can be set or removed below it (${path})`);
      expect(r.stderr).toContain('[E_PATH]');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(snapshotTree(ws.dir)).toEqual(before);
    });
  }

  it('the value help, which yargs reads as --help: it printed help and exited 0 without setting anything', async () => {
    const ws = await newWorkspace();
    ws.write('s.enc.yaml', enc);
    const args = ['set', 's.enc.yaml', 'stringData.mode', 'help'];
    const r = await ws.run(args);
    expect(r.status, describeRun(args, r)).toBe(2);
    expect(r.stderr).toContain('the word help after other arguments asks for help, so nothing ran');
    expect(r.stdout).toBe('');
    expect(ws.read('s.enc.yaml')).toBe(enc);
    // As the first word after the command it still asks for help.
    const help = await ws.run(['set', 'help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('gitseal set <file> <path> <value>');
  });

  it('unset below a value, with the same message', async () => {
    const ws = await newWorkspace();
    ws.write('s.enc.yaml', enc);
    const r = await ws.run(['unset', 's.enc.yaml', 'stringData.dsn.x']);
    expect(r.status).toBe(21);
    expect(r.stderr).toContain('stringData.dsn is a value, not a mapping or list');
    expect(ws.read('s.enc.yaml')).toBe(enc);
  });
});
