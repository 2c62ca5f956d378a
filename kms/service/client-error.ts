/**
 * The answer to a request node's HTTP parser refused or that timed out
 * before it reached a handler: a wire error written straight to the
 * socket, which then closes.
 */
import type { Duplex } from 'node:stream';
import { newRequestId } from './request-id.js';
import type { ServiceMetrics } from './service-metrics.js';

export function answerClientError(metrics: Pick<ServiceMetrics, 'requests'>): (err: NodeJS.ErrnoException, socket: Duplex) => void {
  return (err, socket) => {
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT';
    const [status, code, message] = timeout ? [408, 'timeout', 'the request did not arrive in time'] : [400, 'bad_request', 'the request is not valid HTTP'];
    metrics.requests.inc({ route: 'other', code: String(status) });
    const requestId = newRequestId();
    const body = JSON.stringify({ error: code, message, requestId });
    if (socket.writable)
      socket.end(`HTTP/1.1 ${status} ${timeout ? 'Request Timeout' : 'Bad Request'}\r\nconnection: close\r\ncontent-type: application/json\r\nx-request-id: ${requestId}\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
    else socket.destroy();
  };
}
