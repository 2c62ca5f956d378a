/**
 * The controller survives its API server (issue 12): client-node 2.x stops an
 * informer for good on any watch error but 410, so without supervision an API
 * server restart left the controller idle while /readyz said 200. Here the
 * API double is "restarted" (watches cut, 503 while down, 410 afterwards),
 * cuts connections mid-stream, and answers 500 and 429: the informers come
 * back, /readyz reports the outage while it lasts, and changes made after it
 * reach the Secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from '../controller/controller.js';
import { secretManifest, startControllerEnv, until, type ControllerEnv } from './helpers/controller-env.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('the controller survives its API server', () => {
  let env: ControllerEnv;
  let controller: Controller;
  const apply = async (value: string) => {
    const cr = env.encrypt(secretManifest('payments', 'outage', { password: value }));
    if (env.getCr('payments', 'outage')) await env.replaceCr(cr);
    else await env.createCr(cr);
    await until(`the Secret holds ${value}`, () => env.getSecret('payments', 'outage')?.data?.password === b64(value), 30_000);
  };

  beforeAll(async () => {
    env = await startControllerEnv();
    controller = await env.startController({ watchDownLimitMs: 1_000, watchRetryBaseMs: 100 });
    await apply('before');
  });
  afterAll(async () => env?.close());

  it('an API server restart: watches cut, 503 while down, 410 after; /readyz fails meanwhile, then everything resumes', async () => {
    env.k8s.setFailure({ pathRegex: /^\/apis?\//, status: 503 });
    env.k8s.dropWatches({ abort: true });
    env.k8s.compact(); // the new server's watch cache starts now: resuming gives 410 Gone
    await until('/readyz reports the outage', () => controller.notReady()?.includes('down') === true, 20_000);
    expect(env.logs.some((l) => l.includes('restarting the informer'))).toBe(true);
    env.k8s.setFailure(null);
    await until('ready again', () => controller.notReady() === null, 30_000);
    await apply('after-restart');
  });

  it('connections cut mid-stream, then 500s: the watch resumes and nothing is missed', async () => {
    env.k8s.setFailure({ pathRegex: /watch=(true|1)/, status: 500, times: 4 });
    env.k8s.dropWatches({ abort: true });
    await apply('after-500');
  });

  it('429 Too Many Requests on list and watch: retried with backoff until it passes', async () => {
    env.k8s.setFailure({ method: 'GET', pathRegex: /encryptedsecrets|secrets/, status: 429, times: 6 });
    env.k8s.dropWatches({ abort: true });
    env.k8s.compact();
    await apply('after-429');
    await until('ready', () => controller.notReady() === null, 30_000);
  });
});
