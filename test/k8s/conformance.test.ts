/**
 * Conformance of the API double with a real kube-apiserver v1.28.7: every
 * exchange recorded in test/k8s/recorded/ is replayed against a fresh
 * double and the responses compared (status, Warning, body with key order,
 * watch events), modulo what the recording redacted. test/k8s/README.md
 * lists where the double still differs, conformance/scenarios.ts what each
 * recording assumes and which exchanges are skipped, and why.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { COPIED_DIR, loadRecording, RECORDED_DIR, recordingNames, SHARED_DIR } from './conformance/recording.js';
import { replay } from './conformance/replay.js';
import { PLANS } from './conformance/scenarios.js';

describe.concurrent('the double answers as the recorded kube-apiserver did', () => {
  test.skipIf(RECORDED_DIR !== SHARED_DIR)('replays ../shared/k8s-recorded, and the committed copy is byte for byte the same (skipped where the shared folder is absent, e.g. a clean clone)', () => {
    const names = readdirSync(SHARED_DIR).sort();
    expect(readdirSync(COPIED_DIR).sort()).toEqual(names);
    for (const n of names) expect(readFileSync(join(COPIED_DIR, n)).equals(readFileSync(join(SHARED_DIR, n))), n).toBe(true);
  });

  test('every recording has a plan', () => {
    expect(recordingNames().filter((n) => !PLANS[n])).toEqual([]);
  });

  for (const name of recordingNames()) {
    const plan = PLANS[name];
    if (!plan) continue;
    test(name, async () => {
      const outcomes = await replay(loadRecording(name), plan);
      const failures = outcomes
        .filter((o) => o.diffs.length > 0)
        .map((o) => `#${o.index} ${o.request}\n${o.diffs.map((d) => `    ${d}`).join('\n')}`);
      expect(failures.join('\n')).toBe('');
      expect(outcomes.filter((o) => !o.skipped).length).toBeGreaterThan(0);
    });
  }
});
