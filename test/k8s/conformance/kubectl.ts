/**
 * The kubectl runs a recording kept (`kubectlOutput`): replayed with the
 * kubectl on this machine against the double, comparing what kubectl
 * printed (ages masked) and the objects `get -o yaml` showed.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ApiDouble } from '../api-double.js';
import { compareBodies, type CompareContext } from './compare.js';

const version = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const minor = Number(/Minor:"(\d+)|v1\.(\d+)/.exec(version.stdout ?? '')?.slice(1).find(Boolean) ?? 0);

/** Why the kubectl runs cannot be replayed here, if they cannot: the recording used kubectl 1.32. */
const unavailable = version.status !== 0 ? 'kubectl is not installed' : minor < 25 ? `kubectl 1.${minor} prints differently from the recorded 1.32 (managedFields, client-side validation)` : undefined;

export interface KubectlOutcome {
  command: string;
  skipped?: string;
  diffs: string[];
}

const APPLY_INPUT = 'kubectl apply -f - (client-side), input';

function kubectl(home: string, args: string[], input: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    const child = execFile('kubectl', ['--kubeconfig', join(home, 'kubeconfig'), ...args], { env: { PATH: process.env.PATH ?? '', HOME: home }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve(err ? `${stdout}${stderr}` : stdout),
    );
    child.stdin?.end(input ?? '');
  });
}

/** A printed table with the age column (a duration since creation) masked, columns by single spaces. */
const table = (text: string): string[] => text.trimEnd().split('\n').map((line) => line.replace(/\s+\d+[smhdy](\d+[smh])?$/, ' <age>').replace(/\s+/g, ' ').trim());

export async function replayKubectl(api: ApiDouble, outputs: Record<string, string>, ctx: CompareContext): Promise<KubectlOutcome[]> {
  const input = outputs[APPLY_INPUT] ?? '';
  const ssaInput = input.replace('order-kubectl-csa', 'order-kubectl-ssa');
  const steps: { command: string; args: string[]; stdin?: string; compare: (out: string, recorded: string) => string[] }[] = [
    { command: 'kubectl apply -f - (client-side), printed', args: ['apply', '-f', '-'], stdin: input, compare: (out, rec) => (out === rec ? [] : [`printed ${JSON.stringify(out)}`]) },
    { command: 'kubectl apply --server-side -f -, printed', args: ['apply', '--server-side', '-f', '-'], stdin: ssaInput, compare: (out, rec) => (out === rec ? [] : [`printed ${JSON.stringify(out)}`]) },
    ...['order-kubectl-csa', 'order-kubectl-ssa'].map((name) => ({
      command: `kubectl get encryptedsecret ${name} -n gitseal-demo -o yaml`,
      args: ['get', 'encryptedsecret', name, '-n', 'gitseal-demo', '-o', 'yaml'],
      compare: (out: string, rec: string) => compareBodies(parseYaml(rec), parseYaml(out), ctx),
    })),
    {
      command: 'kubectl get esec -n gitseal-demo',
      args: ['get', 'esec', '-n', 'gitseal-demo'],
      compare: (out, rec) => (table(out).join('\n') === table(rec).join('\n') ? [] : [`printed ${JSON.stringify(out)}`]),
    },
  ];
  if (unavailable) return steps.map((s) => ({ command: s.command, skipped: unavailable, diffs: [] }));
  const home = mkdtempSync(join(tmpdir(), 'conformance-kubectl-'));
  try {
    api.writeKubeconfig(join(home, 'kubeconfig'));
    const outcomes: KubectlOutcome[] = [];
    for (const s of steps) {
      const recorded = outputs[s.command];
      if (recorded === undefined) throw new Error(`the recording has no output for ${s.command}`);
      outcomes.push({ command: s.command, diffs: s.compare(await kubectl(home, s.args, s.stdin), recorded) });
    }
    return outcomes;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
