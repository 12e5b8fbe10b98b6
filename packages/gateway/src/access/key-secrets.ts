import { createHash, randomBytes } from 'node:crypto';

/** Managed key secrets start with this, so that leaked ones are easy to scan for. */
export const KEY_SECRET_PREFIX = 'sgk_';

/** A new secret: 256 random bits. Shown once, stored only as its SHA-256. */
export function generateKeySecret(): string {
  return `${KEY_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** A new public key id. */
export function generateKeyId(): string {
  return `key_${randomBytes(8).toString('hex')}`;
}

/**
 * Hex SHA-256. A fast hash is right here: the secrets are 256-bit random values, not passwords, so
 * there is nothing to brute-force, and a lookup by hash costs one index probe.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The last four characters, to tell secrets apart in listings without revealing them. */
export function secretHint(secret: string): string {
  return secret.slice(-4);
}
