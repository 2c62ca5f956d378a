/**
 * multidoc: one file with 1,000 one-value Secret documents, each its own name (so each its own DEK
 * and its own ML-KEM-1024 + X25519 wrap): `gitseal encrypt` wall time (goal ≤ 10 × `node -e 0`).
 * References in the same run: `node -e 0`, and 1,000 ML-KEM-1024 encapsulations with @noble/post-quantum
 * in-process.
 */
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { randomBytes } from 'node:crypto';
import { gitseal, header, line, removeFile, shellLine, timeCommand, timeFn, writeFile, randomValue, type Goal, type Workspace } from './harness.js';

const DOCS = 1_000;

export function multidoc(ws: Workspace): Goal[] {
  header('multidoc', ws);
  const { publicKey } = ml_kem1024.keygen(randomBytes(64));
  const encaps = timeFn(
    () => {
      for (let i = 0; i < DOCS; i++) ml_kem1024.encapsulate(publicKey);
    },
    { runs: 3 },
  );
  line(`reference: ${DOCS} ML-KEM-1024 encapsulations`, encaps, `in-process: ${DOCS} × ml_kem1024.encapsulate(publicKey) (@noble/post-quantum)`, `${((encaps.median * 1000) / DOCS).toFixed(0)} µs each`);
  const prepared = ml_kem1024.prepare(publicKey);
  const encapsP = timeFn(
    () => {
      for (let i = 0; i < DOCS; i++) prepared.encapsulate();
    },
    { runs: 3 },
  );
  line(`reference (extra): ${DOCS} prepared encapsulations`, encapsP, `in-process: ml_kem1024.prepare(publicKey), then ${DOCS} × prepared.encapsulate()`, `${((encapsP.median * 1000) / DOCS).toFixed(0)} µs each`);

  const docs: string[] = [];
  for (let i = 0; i < DOCS; i++)
    docs.push(['apiVersion: v1', 'kind: Secret', 'metadata:', `  name: bench-${String(i).padStart(4, '0')}`, '  namespace: default', 'type: Opaque', 'stringData:', `  password: ${randomValue()}`, ''].join('\n'));
  writeFile(ws, 'multi.yaml', docs.join('---\n'));

  const nodeArgv = ['node', '-e', '0'];
  const start = timeCommand(ws, nodeArgv, { runs: 10 });
  line('reference: node -e 0', start, shellLine(nodeArgv));
  const encArgv = gitseal('encrypt', 'multi.yaml', '-o', 'multi.enc.yaml');
  const enc = timeCommand(ws, encArgv, { runs: 5, prepare: removeFile(ws, 'multi.enc.yaml') });
  line(`gitseal encrypt, ${DOCS} Secret documents`, enc, shellLine(encArgv), `${(enc.median / encaps.median).toFixed(2)}× the ${DOCS} encapsulations; ${((enc.median * 1000) / DOCS).toFixed(0)} µs/document`);
  const decArgv = gitseal('decrypt', 'multi.enc.yaml', '-o', 'multi.dec.yaml');
  const dec = timeCommand(ws, decArgv, { runs: 2, prepare: removeFile(ws, 'multi.dec.yaml') });
  line(`gitseal decrypt, ${DOCS} Secret documents (extra)`, dec, shellLine(decArgv), `${((dec.median * 1000) / DOCS).toFixed(0)} µs/document`);

  return [
    { bench: 'multidoc', what: `encrypt ${DOCS} Secret documents / node -e 0`, measured: enc.median / start.median, unit: '×', limit: 10, note: `${enc.median.toFixed(0)} ms` },
  ];
}
