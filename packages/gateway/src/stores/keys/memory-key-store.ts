import type { ApiKey, KeyChanges, KeyListFilter, KeyStore, StoredSecret } from './key-store.js';

interface Entry {
  key: Omit<ApiKey, 'secrets'>;
  secrets: StoredSecret[];
}

const clone = <T>(value: T): T => structuredClone(value);

/** Keys in process memory: for tests and single-process trials (lost on restart). */
export class MemoryKeyStore implements KeyStore {
  private readonly byId = new Map<string, Entry>();
  private readonly byHash = new Map<string, Entry>();

  private view(entry: Entry): ApiKey {
    const secrets = [...entry.secrets]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map(({ hint, createdAt, expiresAt }) => ({ hint, createdAt, expiresAt }));
    return clone({ ...entry.key, secrets });
  }

  async insert(key: Omit<ApiKey, 'secrets'>, secret: StoredSecret): Promise<ApiKey> {
    if (this.byId.has(key.id)) throw new Error(`key ${key.id} exists`);
    const entry: Entry = { key: clone(key), secrets: [clone(secret)] };
    this.byId.set(key.id, entry);
    this.byHash.set(secret.hash, entry);
    return this.view(entry);
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const entry = this.byId.get(id);
    return entry && this.view(entry);
  }

  async list(filter: KeyListFilter = {}): Promise<ApiKey[]> {
    return [...this.byId.values()]
      .filter((entry) => (filter.includeRevoked || entry.key.revokedAt === null) && (filter.owner === undefined || entry.key.owner === filter.owner))
      .sort((a, b) => a.key.createdAt.localeCompare(b.key.createdAt) || a.key.id.localeCompare(b.key.id))
      .map((entry) => this.view(entry));
  }

  async findBySecretHash(hash: string): Promise<{ key: ApiKey; secretExpiresAt: string | null } | undefined> {
    const entry = this.byHash.get(hash);
    if (!entry) return undefined;
    const secret = entry.secrets.find((item) => item.hash === hash)!;
    return { key: this.view(entry), secretExpiresAt: secret.expiresAt };
  }

  async update(id: string, changes: KeyChanges): Promise<ApiKey | undefined> {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    entry.key = { ...entry.key, ...clone(changes) };
    return this.view(entry);
  }

  async rotate(id: string, secret: StoredSecret, previousExpireAt: string): Promise<ApiKey | undefined> {
    const entry = this.byId.get(id);
    if (!entry || entry.key.revokedAt !== null) return undefined;
    for (const item of entry.secrets) {
      if (item.expiresAt === null || item.expiresAt > previousExpireAt) item.expiresAt = previousExpireAt;
    }
    entry.secrets.push(clone(secret));
    this.byHash.set(secret.hash, entry);
    return this.view(entry);
  }

  async revoke(id: string, at: string): Promise<ApiKey | undefined> {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    entry.key.revokedAt ??= at;
    return this.view(entry);
  }

  async check(): Promise<void> {}

  async close(): Promise<void> {}
}
