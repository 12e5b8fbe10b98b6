import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import pg from 'pg';
import { TestPostgres } from './postgres-server.js';

export interface StoreFixtures {
  /** A temporary directory for SQLite files, removed after the file's tests. */
  directory: string;
  /** The real PostgreSQL server (started before the file's tests). */
  postgres(): TestPostgres;
  /** A pool on it. */
  pool(): pg.Pool;
}

/** What a store contract test needs: a real PostgreSQL server with a pool, and a directory for SQLite files. */
export function storeFixtures(prefix: string): StoreFixtures {
  const directory = mkdtempSync(path.join(tmpdir(), prefix));
  let postgres: TestPostgres | undefined;
  let pool: pg.Pool | undefined;
  before(async () => {
    postgres = await TestPostgres.start();
    pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
    pool.on('error', () => undefined);
  });
  after(async () => {
    await pool?.end();
    await postgres?.close();
    rmSync(directory, { recursive: true, force: true });
  });
  return { directory, postgres: () => postgres!, pool: () => pool! };
}
