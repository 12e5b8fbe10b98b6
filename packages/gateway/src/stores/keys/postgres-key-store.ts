import type pg from 'pg';
import { inTransaction, migratePostgres } from '../postgres/postgres-pool.js';
import { toApiKey, type KeyRow } from './key-rows.js';
import type { ApiKey, KeyChanges, KeyListFilter, KeyStore, StoredSecret } from './key-store.js';

const MIGRATIONS = [
  `CREATE TABLE api_keys (
     id text PRIMARY KEY,
     name text NOT NULL,
     owner text NOT NULL,
     allowed_models jsonb,
     limits jsonb NOT NULL,
     budget_usd double precision,
     budget_period text,
     created_at timestamptz NOT NULL,
     expires_at timestamptz,
     revoked_at timestamptz
   );
   CREATE INDEX api_keys_owner ON api_keys (owner);
   CREATE TABLE api_key_secrets (
     hash text PRIMARY KEY,
     key_id text NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
     hint text NOT NULL,
     created_at timestamptz NOT NULL,
     expires_at timestamptz
   );
   CREATE INDEX api_key_secrets_key ON api_key_secrets (key_id);`,
];

type DateColumns = 'created_at' | 'expires_at' | 'revoked_at';
type RawRow = Omit<KeyRow, DateColumns> & { created_at: Date; expires_at: Date | null; revoked_at: Date | null };
type SecretRow = { key_id: string; hint: string; created_at: Date; expires_at: Date | null };

const iso = (value: Date | null) => (value === null ? null : value.toISOString());

function insertSecret(client: pg.PoolClient, keyId: string, secret: StoredSecret) {
  return client.query('INSERT INTO api_key_secrets (hash, key_id, hint, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
    secret.hash,
    keyId,
    secret.hint,
    secret.createdAt,
    secret.expiresAt,
  ]);
}

/** Keys in PostgreSQL (`DATABASE_URL`): shared by every gateway instance. */
export class PostgresKeyStore implements KeyStore {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects and migrates; throws when the database cannot be reached. */
  static async open(pool: pg.Pool): Promise<PostgresKeyStore> {
    await migratePostgres(pool, 'keys', MIGRATIONS);
    return new PostgresKeyStore(pool);
  }

  private async views(rows: RawRow[]): Promise<ApiKey[]> {
    if (rows.length === 0) return [];
    const secrets = await this.pool.query<SecretRow>(
      'SELECT key_id, hint, created_at, expires_at FROM api_key_secrets WHERE key_id = ANY($1) ORDER BY created_at DESC',
      [rows.map((row) => row.id)],
    );
    return rows.map((row) =>
      toApiKey(
        { ...row, created_at: row.created_at.toISOString(), expires_at: iso(row.expires_at), revoked_at: iso(row.revoked_at) },
        secrets.rows
          .filter((secret) => secret.key_id === row.id)
          .map((secret) => ({ hint: secret.hint, createdAt: secret.created_at.toISOString(), expiresAt: iso(secret.expires_at) })),
      ),
    );
  }

  async insert(key: Omit<ApiKey, 'secrets'>, secret: StoredSecret): Promise<ApiKey> {
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO api_keys (id, name, owner, allowed_models, limits, budget_usd, budget_period, created_at, expires_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          key.id,
          key.name,
          key.owner,
          key.allowedModels === null ? null : JSON.stringify(key.allowedModels),
          JSON.stringify(key.limits),
          key.budget?.usd ?? null,
          key.budget?.period ?? null,
          key.createdAt,
          key.expiresAt,
          key.revokedAt,
        ],
      );
      await insertSecret(client, key.id, secret);
    });
    return (await this.get(key.id))!;
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const result = await this.pool.query<RawRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
    return (await this.views(result.rows))[0];
  }

  async list(filter: KeyListFilter = {}): Promise<ApiKey[]> {
    const result = await this.pool.query<RawRow>(
      'SELECT * FROM api_keys WHERE ($1 OR revoked_at IS NULL) AND ($2::text IS NULL OR owner = $2) ORDER BY created_at, id',
      [filter.includeRevoked === true, filter.owner ?? null],
    );
    return this.views(result.rows);
  }

  async findBySecretHash(hash: string): Promise<{ key: ApiKey; secretExpiresAt: string | null } | undefined> {
    const result = await this.pool.query<RawRow & { secret_expires_at: Date | null }>(
      'SELECT k.*, s.expires_at AS secret_expires_at FROM api_key_secrets s JOIN api_keys k ON k.id = s.key_id WHERE s.hash = $1',
      [hash],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    const { secret_expires_at: secretExpiresAt, ...key } = row;
    return { key: (await this.views([key]))[0]!, secretExpiresAt: iso(secretExpiresAt) };
  }

  async update(id: string, changes: KeyChanges): Promise<ApiKey | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    const next = { ...current, ...changes };
    await this.pool.query(
      `UPDATE api_keys SET name = $2, owner = $3, allowed_models = $4, limits = $5, budget_usd = $6, budget_period = $7, expires_at = $8
       WHERE id = $1`,
      [
        id,
        next.name,
        next.owner,
        next.allowedModels === null ? null : JSON.stringify(next.allowedModels),
        JSON.stringify(next.limits),
        next.budget?.usd ?? null,
        next.budget?.period ?? null,
        next.expiresAt,
      ],
    );
    return this.get(id);
  }

  async rotate(id: string, secret: StoredSecret, previousExpireAt: string): Promise<ApiKey | undefined> {
    const rotated = await inTransaction(this.pool, async (client) => {
      const key = await client.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE id = $1 FOR UPDATE', [id]);
      if (key.rows.length === 0 || key.rows[0]!.revoked_at !== null) return false;
      await client.query('UPDATE api_key_secrets SET expires_at = $1 WHERE key_id = $2 AND (expires_at IS NULL OR expires_at > $1)', [previousExpireAt, id]);
      await insertSecret(client, id, secret);
      return true;
    });
    return rotated ? this.get(id) : undefined;
  }

  async revoke(id: string, at: string): Promise<ApiKey | undefined> {
    await this.pool.query('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2', [at, id]);
    return this.get(id);
  }

  async check(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** The pool is shared and closed by its owner. */
  async close(): Promise<void> {}
}
