/**
 * Client certificates: TLS has already verified the chain against the
 * configured client CA; the server passes the common name it saw.
 */
import { AuthFailure, type AuthRequest, type Authenticator, type Caller } from './types.js';

/** Subject 'cert:CN' for a request over a verified client certificate; null without one. */
export class MtlsAuthenticator implements Authenticator {
  readonly method = 'mtls' as const;

  /** Throws AuthFailure 'malformed' for an empty or control-character common name. */
  async authenticate(req: AuthRequest): Promise<Caller | null> {
    const cn = req.peerCommonName;
    if (cn === undefined) return null;
    if (cn.length === 0 || cn.length > 256 || /[\x00-\x1f\x7f]/.test(cn)) {
      throw new AuthFailure('malformed', 'the client certificate common name is empty, too long or holds control characters');
    }
    return { subject: `cert:${cn}`, method: 'mtls' };
  }
}
