import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from '../engine/chat-request.js';
import { GatewayError } from '../errors.js';
import { presentedKey, StaticApiKeys } from './api-keys.js';
import type { JwtVerifier } from './jwt-verifier.js';
import { looksLikeJwt } from './jwt-verifier.js';
import type { KeyManager } from './key-manager.js';

export interface AuthenticatorOptions {
  /** `ADMIN_API_KEY`: the admin API and everyone's usage. */
  adminKeys: readonly string[];
  /** `API_KEYS` (or the development key): default limits, every model. */
  staticKeys: readonly string[];
  /** Managed keys (admin API, `streamgate keys`). */
  keys?: KeyManager;
  jwt?: JwtVerifier;
}

const MISSING = 'A valid API key is required: send "X-API-Key: <key>" or "Authorization: Bearer <key or JWT>".';

/** Who a request's credential stands for: the admin, a static key, a managed key or a JWT's user. */
export class Authenticator {
  private readonly admin: StaticApiKeys;
  private readonly staticKeys: StaticApiKeys;

  constructor(private readonly options: AuthenticatorOptions) {
    this.admin = new StaticApiKeys(options.adminKeys);
    this.staticKeys = new StaticApiKeys(options.staticKeys);
  }

  /** The caller, or a GatewayError (`unauthorized`, `key_revoked`, `key_expired`, `token_*`, ...). */
  async authenticate(headers: IncomingHttpHeaders): Promise<Caller> {
    const presented = presentedKey(headers);
    if (presented === undefined) throw new GatewayError('unauthorized', MISSING);
    if (looksLikeJwt(presented)) {
      if (!this.options.jwt) throw new GatewayError('unauthorized', 'Bearer JWTs are not accepted here (JWT_SECRET / JWT_JWKS_URL are not set); send an API key.');
      return this.options.jwt.verify(presented);
    }
    const admin = this.admin.verify(presented);
    if (admin) return { keyId: `admin:${admin.keyId}`, admin: true };
    const caller = this.staticKeys.verify(presented) ?? (await this.options.keys?.verify(presented));
    if (!caller) throw new GatewayError('unauthorized', MISSING);
    return caller;
  }
}
