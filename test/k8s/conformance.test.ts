/**
 * Conformance of the API double with a real kube-apiserver v1.28.7: every
 * exchange recorded in test/k8s/recorded/ is replayed against a fresh
 * double and the responses compared (status, Warning, body with key order,
 * watch events), modulo what the recording redacted. test/k8s/README.md
 * lists where the double still differs, conformance/scenarios.ts what each
 * recording assumes and which exchanges are skipped, and why.
 */
import { describe, expect, test } from 'vitest';
import { loadRecording, recordingNames } from './conformance/recording.js';
import { replay } from './conformance/replay.js';
import { PLANS } from './conformance/scenarios.js';

describe.concurrent('the double answers as the recorded kube-apiserver did', () => {
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
