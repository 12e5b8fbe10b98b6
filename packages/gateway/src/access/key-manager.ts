import type { Caller } from '../engine/chat-request.js';
import { GatewayError } from '../errors.js';
import type { ApiKey, KeyChanges, KeyListFilter, KeyStore } from '../stores/keys/key-store.js';
import { generateKeyId, generateKeySecret, hashSecret, secretHint } from './key-secrets.js';

export interface NewKey {
  name: string;
  owner: string;
  allowedModels?: string[] | null;
  limits?: ApiKey['limits'];
  budget?: ApiKey['budget'];
  expiresAt?: string | null;
}

export interface KeyManagerOptions {
  store: KeyStore;
  /** How long a rotated-out secret keeps working, unless a rotation says otherwise. */
  rotationOverlapSeconds: number;
  /** How long a verified key is trusted without asking the store again (revocations elsewhere take this long). */
  cacheSeconds: number;
  now?: () => number;
}

interface CacheEntry {
  key: ApiKey;
  secretExpiresAt: string | null;
  /** The caller the secret stands for, built once per fetch from the store. */
  caller: Caller;
  until: number;
}

function callerOf(key: ApiKey, secretExpiresAt: string | null, secretHash: string): Caller {
  const caller: Caller = { keyId: key.id, allowedModels: key.allowedModels, limits: key.limits, budget: key.budget, secretHash };
  const ends = [key.expiresAt, secretExpiresAt].filter((at): at is string => at !== null).map((at) => Date.parse(at));
  if (ends.length > 0) caller.expiresAt = Math.min(...ends);
  return caller;
}

const CACHE_LIMIT = 10_000;

/**
 * Creates, rotates and revokes managed keys over a KeyStore, and verifies presented secrets with a
 * short cache so that the store is not asked on every request. Expiry and revocation are checked
 * against the cached record on each request; changes made through this instance clear the cache.
 */
export class KeyManager {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly now: () => number;

  constructor(private readonly options: KeyManagerOptions) {
    this.now = options.now ?? Date.now;
  }

  get store(): KeyStore {
    return this.options.store;
  }

  /** Creates a key; the secret is returned here once and never again. */
  async create(input: NewKey): Promise<{ key: ApiKey; secret: string }> {
    const secret = generateKeySecret();
    const createdAt = new Date(this.now()).toISOString();
    const key = await this.options.store.insert(
      {
        id: generateKeyId(),
        name: input.name,
        owner: input.owner,
        allowedModels: input.allowedModels ?? null,
        limits: input.limits ?? {},
        budget: input.budget ?? null,
        createdAt,
        expiresAt: input.expiresAt ?? null,
        revokedAt: null,
      },
      { hash: hashSecret(secret), hint: secretHint(secret), createdAt, expiresAt: null },
    );
    return { key, secret };
  }

  list(filter?: KeyListFilter): Promise<ApiKey[]> {
    return this.options.store.list(filter);
  }

  get(id: string): Promise<ApiKey | undefined> {
    return this.options.store.get(id);
  }

  async update(id: string, changes: KeyChanges): Promise<ApiKey | undefined> {
    const key = await this.options.store.update(id, changes);
    this.forget(id);
    return key;
  }

  /** A new secret; the old ones keep working for `overlapSeconds` (default: the configured overlap). */
  async rotate(id: string, overlapSeconds = this.options.rotationOverlapSeconds): Promise<{ key: ApiKey; secret: string; previousExpiresAt: string } | undefined> {
    const secret = generateKeySecret();
    const now = this.now();
    const previousExpiresAt = new Date(now + overlapSeconds * 1000).toISOString();
    const key = await this.options.store.rotate(
      id,
      { hash: hashSecret(secret), hint: secretHint(secret), createdAt: new Date(now).toISOString(), expiresAt: null },
      previousExpiresAt,
    );
    this.forget(id);
    return key && { key, secret, previousExpiresAt };
  }

  async revoke(id: string): Promise<ApiKey | undefined> {
    const key = await this.options.store.revoke(id, new Date(this.now()).toISOString());
    this.forget(id);
    return key;
  }

  /**
   * The caller a secret stands for, undefined when no managed key has it; throws `key_revoked` or
   * `key_expired` for a key that exists but no longer works, `dependency_unavailable` when the store is down.
   */
  verify(secret: string): Promise<Caller | undefined> {
    return this.verifyHash(hashSecret(secret));
  }

  /**
   * The caller as its key stands now, for a credential verified earlier (a WebSocket's, at its upgrade):
   * current limits, allowed models and budget. Throws `key_revoked` or `key_expired` when the secret has
   * stopped working since (the key revoked, deleted or expired, or the secret rotated out). Cached like
   * `verify`; a caller that is not a managed key comes back as it is.
   */
  async recheck(caller: Caller): Promise<Caller> {
    if (caller.secretHash === undefined) return caller;
    const current = await this.verifyHash(caller.secretHash);
    if (current?.keyId !== caller.keyId) throw new GatewayError('key_revoked', `API key ${caller.keyId} no longer exists.`);
    return current;
  }

  private async verifyHash(hash: string): Promise<Caller | undefined> {
    const now = this.now();
    let entry = this.cache.get(hash);
    if (!entry || entry.until <= now) {
      let found;
      try {
        found = await this.options.store.findBySecretHash(hash);
      } catch (error) {
        throw new GatewayError('dependency_unavailable', 'The key store is unavailable; retry shortly.', { cause: error });
      }
      if (!found) {
        this.cache.delete(hash);
        return undefined;
      }
      entry = { ...found, caller: callerOf(found.key, found.secretExpiresAt, hash), until: now + this.options.cacheSeconds * 1000 };
      if (this.options.cacheSeconds > 0) {
        if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(hash, entry);
      }
    }
    const { key, secretExpiresAt } = entry;
    const nowIso = new Date(now).toISOString();
    if (key.revokedAt !== null) throw new GatewayError('key_revoked', `API key ${key.id} was revoked at ${key.revokedAt}.`);
    if (key.expiresAt !== null && key.expiresAt <= nowIso) throw new GatewayError('key_expired', `API key ${key.id} expired at ${key.expiresAt}.`);
    if (secretExpiresAt !== null && secretExpiresAt <= nowIso) {
      throw new GatewayError('key_expired', `This secret of API key ${key.id} was rotated out at ${secretExpiresAt}; use the new secret.`);
    }
    return entry.caller;
  }

  private forget(id: string): void {
    for (const [hash, entry] of this.cache) if (entry.key.id === id) this.cache.delete(hash);
  }
}
