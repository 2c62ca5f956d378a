/**
 * `--config FILE` and `$GITSEAL_CONFIG` (issue 17, sops's --config): one `.gitseal.yaml` for every file
 * instead of the nearest one above it; a missing file or a field gitseal does not know is E_CONFIG, and a
 * review, which must take the base commit's rules, refuses it.
 */
import { describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { useWorkspaces } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: hunter2\n';
const kidsOf = (enc: string): string[] => [...enc.matchAll(/kid: (org-[0-9a-f]+)/g)].map((m) => m[1]!).sort();

describe.concurrent('--config', () => {
  it('takes recipients and scope from the named file, by option or environment', async () => {
    const ws = await newWorkspace();
    const other = await ws.keygen('other.yaml');
    ws.write('alt/team.yaml', `recipients: ["${other.recipient}"]\nscope: namespace\n`);
    ws.write('s.yaml', SECRET);
    const nearest = await ws.run(['encrypt', 's.yaml']);
    expect(kidsOf(nearest.stdout)).toEqual([ws.kid]);
    for (const [args, env] of [[['encrypt', 's.yaml', '--config', 'alt/team.yaml'], {}], [['encrypt', 's.yaml'], { GITSEAL_CONFIG: 'alt/team.yaml' }]] as const) {
      const r = await ws.run(args, { env });
      expect(r.status, describeRun(args, r)).toBe(0);
      expect(kidsOf(r.stdout)).toEqual([other.kid]);
      expect(r.stdout).toMatch(/scope: namespace/);
    }
  });

  it('a missing file, or a field gitseal does not know, is E_CONFIG and writes nothing', async () => {
    const ws = await newWorkspace();
    ws.write('s.yaml', SECRET);
    const missing = await ws.run(['encrypt', '-i', 's.yaml', '--config', 'nope.yaml']);
    expect(missing.stderr).toMatch(/nope\.yaml \(from --config or GITSEAL_CONFIG\) does not exist \[E_CONFIG\]/);
    ws.write('typo.yaml', `recipients: ["${ws.recipient}"]\nrequireSignature: true\n`);
    const typo = await ws.run(['encrypt', '-i', 's.yaml', '--config', 'typo.yaml']);
    expect(typo.stderr).toMatch(/a field gitseal does not know, "requireSignature".*\[E_CONFIG\]/);
    expect(ws.read('s.yaml')).toBe(SECRET);
  });

  it('verify --review refuses it: a review takes the base commit\'s rules', async () => {
    const ws = await newWorkspace();
    const r = await ws.run(['verify', '--all', '--base', 'HEAD', '--review', '--config', '.gitseal.yaml']);
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/--review takes the rules from the base commit.*E_USAGE/)]);
  });
});
