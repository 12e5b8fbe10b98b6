import pg from 'pg';

/** A connection pool for `DATABASE_URL`, shared by the key and usage stores. */
export function createPostgresPool(connectionString: string, onError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A statement stuck on a dead server must not hold a request (or a usage flush) forever.
    query_timeout: 10_000,
    application_name: 'streamgate',
  });
  // An idle client whose server went away emits here; without a listener the process would crash.
  pool.on('error', onError);
  return pool;
}

/** Runs `work` in one transaction on one client: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const MIGRATION_LOCK = 0x5354_4d47; // "STMG": one instance migrates at a time.

/**
 * Applies the migrations of one component (`keys`, `usage`) that the database has not had yet,
 * each in its own transaction, under an advisory lock so that instances starting together do not race.
 */
export async function migratePostgres(pool: pg.Pool, component: string, migrations: readonly string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS streamgate_migrations (component text PRIMARY KEY, version integer NOT NULL)');
    const result = await client.query<{ version: number }>('SELECT version FROM streamgate_migrations WHERE component = $1', [component]);
    const version = result.rows[0]?.version ?? 0;
    if (version > migrations.length) {
      throw new Error(`the database has ${component} schema version ${version}, newer than this StreamGate (${migrations.length}): upgrade StreamGate`);
    }
    for (let index = version; index < migrations.length; index++) {
      await client.query('BEGIN');
      try {
        await client.query(migrations[index]!);
        await client.query(
          'INSERT INTO streamgate_migrations (component, version) VALUES ($1, $2) ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version',
          [component, index + 1],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
