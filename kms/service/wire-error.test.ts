import { describe, expect, it } from 'vitest';
import { GitsealError } from '../../core/errors.js';
import { RewrapFault } from './rewrap-request.js';
import { wireErrorOf } from './wire-error.js';

describe('wire errors', () => {
  it('keeps a fault’s code, status, message and retry time', () => {
    expect(wireErrorOf(new RewrapFault('denied', 403, 'denied by policy'))).toEqual({ status: 403, code: 'denied', message: 'denied by policy' });
    expect(wireErrorOf(new RewrapFault('rate_limited', 429, 'slow down', 3))).toEqual({ status: 429, code: 'rate_limited', message: 'slow down', retryAfter: 3 });
  });

  it('says only that nothing was released when the audit log fails', () => {
    expect(wireErrorOf(new GitsealError('E_AUDIT', 'fsync failed on /var/lib/audit.log'))).toEqual({
      status: 500,
      code: 'internal',
      message: 'the audit log cannot be written; nothing was released',
    });
  });

  it('tells nothing of any other error', () => {
    const internal = { status: 500, code: 'internal', message: 'internal error' };
    expect(wireErrorOf(new GitsealError('E_IO', 'cannot read /etc/keys.yaml'))).toEqual(internal);
    expect(wireErrorOf(new TypeError('x is undefined'))).toEqual(internal);
    expect(wireErrorOf('thrown string')).toEqual(internal);
  });
});
