import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from '../engine/chat-request.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** A stable, non-secret id for a key: the first 16 hex digits of its SHA-256. Safe to log. */
export function keyIdOf(key: string): string {
  return sha256(key).toString('hex').slice(0, 16);
}

/** A fresh random key, as printed at start-up when no `API_KEYS` are configured. */
export function generateDevelopmentKey(): string {
  return `sg-dev-${randomBytes(24).toString('base64url')}`;
}

/** The key a request presents: `X-API-Key: <key>` or `Authorization: Bearer <key>`. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header.trim();
  const authorization = headers.authorization;
  if (authorization && /^bearer /i.test(authorization)) return authorization.slice(7).trim() || undefined;
  return undefined;
}

/**
 * The keys from `API_KEYS`, held only as SHA-256 digests. A presented key is hashed and compared
 * with every stored digest in constant time, so neither its value nor which key matched leaks
 * through timing.
 */
export class StaticApiKeys {
  private readonly digests: { digest: Buffer; caller: Caller }[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map((key) => ({ digest: sha256(key), caller: { keyId: keyIdOf(key) } }));
  }

  verify(presented: string | undefined): Caller | undefined {
    if (presented === undefined) return undefined;
    const digest = sha256(presented);
    let match: Caller | undefined;
    for (const entry of this.digests) {
      if (timingSafeEqual(entry.digest, digest)) match = entry.caller;
    }
    return match;
  }
}
