/**
 * Any error a request ends with, as the caller sees it. A RewrapFault says
 * its own code and message; anything else is 'internal' and tells nothing
 * of what failed, except that an audit write failure released nothing.
 */
import { isGitsealError } from '../../core/errors.js';
import type { WireCode } from '../protocol/types.js';
import { RewrapFault } from './rewrap-request.js';
import { STATUS } from './server.js';

export interface WireError {
  status: number;
  code: WireCode;
  message: string;
  /** Seconds, for the retry-after header. */
  retryAfter?: number;
}

export function wireErrorOf(e: unknown): WireError {
  if (e instanceof RewrapFault) return { status: e.status, code: e.code, message: e.message, ...(e.retryAfter === undefined ? {} : { retryAfter: e.retryAfter }) };
  const message = isGitsealError(e, 'E_AUDIT') ? 'the audit log cannot be written; nothing was released' : 'internal error';
  return { status: STATUS.internal, code: 'internal', message };
}
