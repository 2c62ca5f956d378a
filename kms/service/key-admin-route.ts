/**
 * POST /v1/keys/rotate, /v1/keys/{kid}/revoke and /v1/keys/{kid}/destroy:
 * the policy must allow the operation on every scope ('*'); every outcome
 * is audited before the answer goes out.
 */
import type { IncomingMessage } from 'node:http';
import { isGitsealError, type ErrorCode } from '../../core/errors.js';
import type { Logger } from '../../runtime/log.js';
import type { WireCode } from '../protocol/types.js';
import type { CallerOf } from './caller-authentication.js';
import type { Keyring } from './keyring.js';
import type { RequestBody } from './request-body.js';
import { RewrapFault } from './rewrap-request.js';
import type { Auditor } from './rewrap-service.js';
import type { RouteAnswer } from './route-answer.js';
import { STATUS, type KeyAdminRoute } from './server.js';
import type { Policy } from './types.js';

export interface KeyAdminDeps {
  keyring: Pick<Keyring, 'rotate' | 'revoke' | 'destroy'>;
  policy: () => Policy;
  audit: Auditor;
  callerOf: CallerOf;
  log: Logger;
}

/** GitsealErrors that the keyring throws, as wire codes. */
const ADMIN_CODES: Partial<Record<ErrorCode, WireCode>> = { E_USAGE: 'bad_request', E_NO_KEY: 'unknown_kid', E_ROOT_REVOKED: 'root_revoked', E_ROOT: 'unavailable' };

export function keyAdminRoute(deps: KeyAdminDeps): (req: IncomingMessage, body: RequestBody, target: KeyAdminRoute, requestId: string) => Promise<RouteAnswer> {
  const { keyring, log } = deps;
  return async (req, body, target, requestId) => {
    const op = target.route;
    const kid = 'kid' in target ? target.kid : null;
    const c = await deps.callerOf(req, body, op, requestId);
    const event = { subject: c.subject, method: c.method, operation: op, requestId, ...(kid ? { kid } : {}), ...(req.socket.remoteAddress ? { remote: req.socket.remoteAddress } : {}) };
    try {
      if (!deps.policy().decide(c.subject, '*', op).allowed) throw new RewrapFault('denied', 403, `denied by policy: ${op} for ${c.subject}`);
    } catch (e) {
      await deps.audit.append([{ ...event, decision: 'deny', reason: 'denied' }]);
      throw e;
    }
    try {
      const key = target.route === 'keys.rotate' ? await keyring.rotate() : target.route === 'keys.revoke' ? await keyring.revoke(target.kid) : await keyring.destroy(target.kid);
      await deps.audit.append([{ ...event, kid: key.kid, decision: 'allow', reason: 'ok' }]);
      log('warn', `admin ${op}`, { subject: c.subject, kid: key.kid, requestId });
      return { status: 200, body: { key } };
    } catch (e) {
      const code = isGitsealError(e) ? ADMIN_CODES[e.code] : undefined;
      await deps.audit.append([{ ...event, decision: 'deny', reason: code ?? 'internal' }]);
      // A refused state change (E_USAGE) conflicts with the key's state: 409, not 400.
      if (code && isGitsealError(e)) throw new RewrapFault(code, code === 'bad_request' ? 409 : STATUS[code], e.message);
      throw e;
    }
  };
}
