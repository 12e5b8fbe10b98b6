import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../env-values.js';
import { Sqlite, type SqliteDatabase } from './sqlite-driver.js';

/** File system errors that mean the folder cannot be written (not a bug): read-only, full, not permitted. */
const UNWRITABLE_FOLDER = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOSPC', 'EDQUOT', 'ENOTDIR']);

/**
 * Opens a SQLite file in WAL mode and applies the migrations it has not had yet, tracked by
 * `PRAGMA user_version` (one file per store, so that each store migrates on its own).
 */
export function openSqlite(file: string, migrations: readonly string[]): SqliteDatabase {
  try {
    return openWritable(file, migrations);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (!isStorageFailure(error) && !(typeof code === 'string' && UNWRITABLE_FOLDER.has(code))) throw error;
    // A read-only or full data directory is the environment's problem, said in one line, not a stack.
    throw new ConfigError([
      `DATA_DIR: cannot write ${file} (${String(code)}: ${(error as Error).message}); make ${path.dirname(file)} writable by this user, or set DATA_DIR to a folder that is`,
    ]);
  }
}

function openWritable(file: string, migrations: readonly string[]): SqliteDatabase {
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
  // SQLite opens a file it may not write read-only without a word: find out now, not at the first request.
  probeWrite(database);
  return database;
}

/**
 * SQLite result codes that mean the disk failed, not the statement: full, read-only, I/O errors, a file
 * that cannot be opened. The store is unavailable then, like an unreachable Redis, not broken.
 */
const STORAGE_FAILURE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|PERM|BUSY|LOCKED)/;

export function isStorageFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && STORAGE_FAILURE.test(code);
}

/**
 * Proves the file can still be written: rewriting `user_version` (to the value it has) takes a write
 * transaction and appends to the WAL, so a full or read-only disk fails it as it would fail a real write.
 */
export function probeWrite(database: SqliteDatabase): void {
  const version = database.pragma('user_version', { simple: true }) as number;
  database.pragma(`user_version = ${version}`);
}
