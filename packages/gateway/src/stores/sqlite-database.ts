import fs from 'node:fs';
import path from 'node:path';
import { Sqlite, type SqliteDatabase } from './sqlite-driver.js';

/**
 * Opens a SQLite file in WAL mode and applies the migrations it has not had yet, tracked by
 * `PRAGMA user_version` (one file per store, so that each store migrates on its own).
 */
export function openSqlite(file: string, migrations: readonly string[]): SqliteDatabase {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const database = new Sqlite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  // Several gateway processes may share a data directory: wait for a writer instead of failing.
  database.pragma('busy_timeout = 5000');
  const version = database.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new Error(`${file} has schema version ${version}, newer than this StreamGate (${migrations.length}): upgrade StreamGate`);
  }
  const apply = database.transaction(() => {
    for (let index = version; index < migrations.length; index++) database.exec(migrations[index]!);
    database.pragma(`user_version = ${migrations.length}`);
  });
  if (version < migrations.length) apply.immediate();
  return database;
}
