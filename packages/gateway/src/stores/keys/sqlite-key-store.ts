import { openSqlite } from '../sqlite-database.js';
import type { SqliteDatabase } from '../sqlite-driver.js';
import { toApiKey, type KeyRow } from './key-rows.js';
import type { ApiKey, KeyChanges, KeyListFilter, KeyStore, StoredSecret } from './key-store.js';

const MIGRATIONS = [
  `CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     owner TEXT NOT NULL,
     allowed_models TEXT,
     limits TEXT NOT NULL,
     budget_usd REAL,
     budget_period TEXT,
     created_at TEXT NOT NULL,
     expires_at TEXT,
     revoked_at TEXT
   );
   CREATE INDEX api_keys_owner ON api_keys (owner);
   CREATE TABLE api_key_secrets (
     hash TEXT PRIMARY KEY,
     key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
     hint TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT
   );
   CREATE INDEX api_key_secrets_key ON api_key_secrets (key_id);`,
];

type RawRow = Omit<KeyRow, 'allowed_models' | 'limits'> & { allowed_models: string | null; limits: string };
type SecretRow = { hint: string; created_at: string; expires_at: string | null };

/** Keys in a SQLite file (`DATA_DIR/keys.db`): the single-machine default. */
export class SqliteKeyStore implements KeyStore {
  private readonly database: SqliteDatabase;
  private readonly statements;

  constructor(file: string) {
    this.database = openSqlite(file, MIGRATIONS);
    const database = this.database;
    this.statements = {
      insertKey: database.prepare(
        `INSERT INTO api_keys (id, name, owner, allowed_models, limits, budget_usd, budget_period, created_at, expires_at, revoked_at)
         VALUES (@id, @name, @owner, @allowed_models, @limits, @budget_usd, @budget_period, @created_at, @expires_at, @revoked_at)`,
      ),
      insertSecret: database.prepare('INSERT INTO api_key_secrets (hash, key_id, hint, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      key: database.prepare<[string], RawRow>('SELECT * FROM api_keys WHERE id = ?'),
      secrets: database.prepare<[string], SecretRow>(
        'SELECT hint, created_at, expires_at FROM api_key_secrets WHERE key_id = ? ORDER BY created_at DESC, rowid DESC',
      ),
      bySecret: database.prepare<[string], RawRow & { secret_expires_at: string | null }>(
        'SELECT k.*, s.expires_at AS secret_expires_at FROM api_key_secrets s JOIN api_keys k ON k.id = s.key_id WHERE s.hash = ?',
      ),
      list: database.prepare<[number, string | null, string | null], RawRow>(
        'SELECT * FROM api_keys WHERE (? = 1 OR revoked_at IS NULL) AND (? IS NULL OR owner = ?) ORDER BY created_at, id',
      ),
      update: database.prepare(
        `UPDATE api_keys SET name = @name, owner = @owner, allowed_models = @allowed_models, limits = @limits,
           budget_usd = @budget_usd, budget_period = @budget_period, expires_at = @expires_at WHERE id = @id`,
      ),
      expireSecrets: database.prepare('UPDATE api_key_secrets SET expires_at = ? WHERE key_id = ? AND (expires_at IS NULL OR expires_at > ?)'),
      revoke: database.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?'),
    };
  }

  private view(row: RawRow): ApiKey {
    const secrets = this.statements.secrets.all(row.id).map((secret) => ({ hint: secret.hint, createdAt: secret.created_at, expiresAt: secret.expires_at }));
    return toApiKey({ ...row, allowed_models: row.allowed_models === null ? null : JSON.parse(row.allowed_models), limits: JSON.parse(row.limits) }, secrets);
  }

  private toRow(key: Omit<ApiKey, 'secrets'>) {
    return {
      id: key.id,
      name: key.name,
      owner: key.owner,
      allowed_models: key.allowedModels === null ? null : JSON.stringify(key.allowedModels),
      limits: JSON.stringify(key.limits),
      budget_usd: key.budget?.usd ?? null,
      budget_period: key.budget?.period ?? null,
      created_at: key.createdAt,
      expires_at: key.expiresAt,
      revoked_at: key.revokedAt,
    };
  }

  async insert(key: Omit<ApiKey, 'secrets'>, secret: StoredSecret): Promise<ApiKey> {
    this.database.transaction(() => {
      this.statements.insertKey.run(this.toRow(key));
      this.statements.insertSecret.run(secret.hash, key.id, secret.hint, secret.createdAt, secret.expiresAt);
    })();
    return (await this.get(key.id))!;
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const row = this.statements.key.get(id);
    return row && this.view(row);
  }

  async list(filter: KeyListFilter = {}): Promise<ApiKey[]> {
    const owner = filter.owner ?? null;
    return this.statements.list.all(filter.includeRevoked ? 1 : 0, owner, owner).map((row) => this.view(row));
  }

  async findBySecretHash(hash: string): Promise<{ key: ApiKey; secretExpiresAt: string | null } | undefined> {
    const row = this.statements.bySecret.get(hash);
    if (!row) return undefined;
    const { secret_expires_at: secretExpiresAt, ...key } = row;
    return { key: this.view(key), secretExpiresAt };
  }

  async update(id: string, changes: KeyChanges): Promise<ApiKey | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    this.statements.update.run(this.toRow({ ...current, ...changes }));
    return this.get(id);
  }

  async rotate(id: string, secret: StoredSecret, previousExpireAt: string): Promise<ApiKey | undefined> {
    const done = this.database.transaction(() => {
      const row = this.statements.key.get(id);
      if (!row || row.revoked_at !== null) return false;
      this.statements.expireSecrets.run(previousExpireAt, id, previousExpireAt);
      this.statements.insertSecret.run(secret.hash, id, secret.hint, secret.createdAt, secret.expiresAt);
      return true;
    })();
    return done ? this.get(id) : undefined;
  }

  async revoke(id: string, at: string): Promise<ApiKey | undefined> {
    this.statements.revoke.run(at, id);
    return this.get(id);
  }

  async check(): Promise<void> {
    this.database.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.database.open) this.database.close();
  }
}
