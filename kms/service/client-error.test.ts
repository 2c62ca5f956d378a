import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { answerClientError } from './client-error.js';
import { serviceMetrics } from './service-metrics.js';

const errorWithCode = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

async function written(code: string): Promise<string> {
  const metrics = serviceMetrics(() => undefined);
  const socket = new PassThrough();
  answerClientError(metrics)(errorWithCode(code), socket);
  socket.setEncoding('utf8');
  let text = '';
  socket.on('data', (chunk: string) => (text += chunk));
  await new Promise((ended) => socket.once('end', ended));
  return text;
}

describe('client errors', () => {
  it('answers a request that timed out with 408 and closes', async () => {
    for (const code of ['ERR_HTTP_REQUEST_TIMEOUT', 'ERR_HTTP_HEADERS_TIMEOUT']) {
      const text = await written(code);
      const [head, body] = text.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\nconnection: close\r\ncontent-type: application\/json\r\nx-request-id: [0-9a-f]{16}\r\ncontent-length: \d+$/);
      expect(JSON.parse(body!)).toEqual({ error: 'timeout', message: 'the request did not arrive in time', requestId: expect.stringMatching(/^[0-9a-f]{16}$/) });
      expect(head).toContain(`content-length: ${body!.length}`);
    }
  });

  it('answers anything else node could not parse with 400', async () => {
    const text = await written('HPE_INVALID_METHOD');
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(text.split('\r\n\r\n')[1]!)).toMatchObject({ error: 'bad_request', message: 'the request is not valid HTTP' });
  });

  it('counts the request under the route "other", and drops a socket it cannot write to', () => {
    const metrics = serviceMetrics(() => undefined);
    const answer = answerClientError(metrics);
    const closed = new PassThrough();
    closed.end();
    answer(errorWithCode('ERR_HTTP_HEADERS_TIMEOUT'), closed);
    expect(closed.destroyed).toBe(true);
    answer(errorWithCode('HPE_INVALID_METHOD'), new PassThrough());
    expect(metrics.requests.get({ route: 'other', code: '408' })).toBe(1);
    expect(metrics.requests.get({ route: 'other', code: '400' })).toBe(1);
  });
});
