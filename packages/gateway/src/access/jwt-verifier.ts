import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Caller } from '../engine/chat-request.js';
import { GatewayError } from '../errors.js';
import type { JwtConfig } from './access-config.js';

/** Three base64url parts, the first a JSON header: `eyJ...`. API key secrets never look like this. */
export function looksLikeJwt(token: string): boolean {
  return /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/.test(token);
}

const MAX_USER_ID_LENGTH = 256;

/**
 * Verifies bearer JWTs: HS256/384/512 with `JWT_SECRET`, RS, PS, ES and EdDSA algorithms with keys from `JWT_JWKS_URL`
 * (fetched on demand, cached, refetched for an unknown `kid`). The accepted algorithms are pinned by
 * configuration and checked before any key is chosen, so `alg: none` and algorithm-confusion tokens
 * (an RS256 public key used as an HS256 secret) fail. Each refusal has its own error code.
 */
export class JwtVerifier {
  private readonly getKey: JWTVerifyGetKey;

  constructor(private readonly config: JwtConfig) {
    const secret = config.secret ? new TextEncoder().encode(config.secret) : undefined;
    const jwks = config.jwksUrl
      ? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })
      : undefined;
    this.getKey = async (header, token) => {
      if (header.alg?.startsWith('HS')) {
        if (!secret) throw new errors.JOSEAlgNotAllowed(`${header.alg} is not accepted`);
        return secret;
      }
      if (!jwks) throw new errors.JOSEAlgNotAllowed(`${header.alg} is not accepted`);
      return jwks(header, token);
    };
  }

  /** The caller a token stands for; throws a GatewayError with the reason it is refused. */
  async verify(token: string): Promise<Caller> {
    let algorithm: string | undefined;
    try {
      algorithm = decodeProtectedHeader(token).alg;
    } catch {
      throw new GatewayError('invalid_token', 'The bearer token is not a well-formed JWT.');
    }
    if (!algorithm || !(this.config.algorithms as readonly string[]).includes(algorithm)) {
      throw new GatewayError(
        'token_algorithm_not_allowed',
        `Tokens signed with "${algorithm ?? 'no algorithm'}" are not accepted; this gateway accepts ${this.config.algorithms.join(', ')}.`,
      );
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.getKey, {
        algorithms: this.config.algorithms,
        clockTolerance: this.config.clockSkewSeconds,
        requiredClaims: ['exp'],
        ...(this.config.issuer ? { issuer: this.config.issuer } : {}),
        ...(this.config.audience.length > 0 ? { audience: this.config.audience } : {}),
      }));
    } catch (error) {
      throw refusal(error);
    }
    // jose checks `iat` only with maxTokenAge; a token issued in the future is as suspect as an early `nbf`.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + this.config.clockSkewSeconds) {
      throw new GatewayError('token_not_yet_valid', 'The bearer token was issued in the future (iat).');
    }
    const user = payload[this.config.userClaim];
    if (typeof user !== 'string' || user.length === 0 || user.length > MAX_USER_ID_LENGTH) {
      throw new GatewayError('token_claims_invalid', `The bearer token has no usable "${this.config.userClaim}" claim (a string of 1-${MAX_USER_ID_LENGTH} characters).`);
    }
    // `exp` is required above; the token works until it has passed by more than the allowed skew.
    return { keyId: `jwt:${user}`, userId: user, expiresAt: ((payload.exp as number) + this.config.clockSkewSeconds) * 1000 };
  }
}

function refusal(error: unknown): GatewayError {
  if (error instanceof errors.JWTExpired) return new GatewayError('token_expired', 'The bearer token has expired (exp).');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' || error.claim === 'iat') return new GatewayError('token_not_yet_valid', `The bearer token is not valid yet (${error.claim}).`);
    if (error.claim === 'exp') return new GatewayError('token_claims_invalid', 'The bearer token has no expiry (exp): tokens without one are refused.');
    return new GatewayError('token_claims_invalid', `The bearer token's "${error.claim}" claim is not accepted.`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new GatewayError('token_algorithm_not_allowed', 'The bearer token is signed with an algorithm or key type this gateway does not accept.');
  }
  // A JWKS that cannot be fetched: a network error (TypeError from fetch), a timeout, a non-200 answer (a generic JOSEError).
  const generic = error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || generic || (error instanceof Error && !(error instanceof errors.JOSEError))) {
    return new GatewayError('dependency_unavailable', 'The signing keys (JWKS) could not be fetched; retry shortly.', { cause: error });
  }
  if (error instanceof errors.JWKSNoMatchingKey) return new GatewayError('invalid_token', 'No signing key matches the bearer token (kid).');
  return new GatewayError('invalid_token', 'The bearer token is malformed or its signature does not verify.');
}
