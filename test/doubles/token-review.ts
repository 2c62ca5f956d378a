/**
 * The part of a Kubernetes API server that TokenReview needs, on
 * 127.0.0.1: `POST /apis/authentication.k8s.io/v1/tokenreviews` answers
 * 201 with a TokenReview whose status `validate` decides.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from './oidc-issuer.js';

export interface ReviewVerdict {
  authenticated: boolean;
  user?: { username: string; uid?: string; groups?: string[] };
  audiences?: string[];
  error?: string;
}

export interface ReviewRequest {
  /** The Authorization header the reviewer sent (the service's own token). */
  authorization: string | undefined;
  token: string;
  audiences: string[];
}

export interface TokenReviewDouble {
  url: string;
  /** Every review asked for, in order. */
  readonly requests: ReviewRequest[];
  close(): Promise<void>;
}

/**
 * `validate(token, audiences)` decides each review. With `requireBearer`,
 * a request not carrying `Authorization: Bearer <requireBearer>` gets 401,
 * as the API server answers an unauthenticated reviewer.
 */
export async function startTokenReviewDouble(
  validate: (token: string, audiences: string[]) => ReviewVerdict,
  opts: { requireBearer?: string } = {},
): Promise<TokenReviewDouble> {
  const requests: ReviewRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/apis/authentication.k8s.io/v1/tokenreviews') {
        return reply(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
      }
      if (opts.requireBearer !== undefined && req.headers.authorization !== `Bearer ${opts.requireBearer}`) {
        return reply(401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
      }
      let review: { apiVersion?: unknown; kind?: unknown; spec?: { token?: unknown; audiences?: unknown } };
      try {
        review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof review;
      } catch {
        return reply(400, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'BadRequest', code: 400 });
      }
      const token = review.spec?.token;
      const audiences = Array.isArray(review.spec?.audiences) ? (review.spec.audiences as string[]) : [];
      if (review.kind !== 'TokenReview' || review.apiVersion !== 'authentication.k8s.io/v1' || typeof token !== 'string') {
        return reply(400, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'BadRequest', code: 400 });
      }
      requests.push({ authorization: req.headers.authorization, token, audiences });
      const verdict = validate(token, audiences);
      reply(201, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: { creationTimestamp: null }, spec: review.spec, status: verdict });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => closeServer(server),
  };
}
