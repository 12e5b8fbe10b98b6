import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement<Parameters extends unknown[] = unknown[], Row = unknown> = BetterSqlite3.Statement<Parameters, Row>;

const require = createRequire(import.meta.url);
const nodeMajor = Number(process.versions.node.split('.')[0]);

/**
 * Which better-sqlite3 this Node.js loads. Version 13 is built on Node-API and is the one to run on
 * Node 22 and newer: version 12 wraps its objects in `node::ObjectWrap`, whose destructor on Node
 * 24.19+ aborts the process when the garbage collector frees a statement outside a JavaScript context
 * (`Assertion failed: (env) != nullptr`). Version 13 does not run on Node 20 at all, so Node 20 loads
 * version 12, installed under the alias `better-sqlite3-node20`.
 */
function driverModule(): string {
  const name = nodeMajor >= 22 ? 'better-sqlite3' : 'better-sqlite3-node20';
  try {
    return require.resolve(name);
  } catch {
    throw new Error(`SQLite stores need the ${name} package on Node ${process.versions.node}; reinstall with \`npm install\``);
  }
}

/** The resolved path of the driver, for worker threads that load it themselves. */
export const sqliteDriverPath = driverModule();

export const Sqlite = require(sqliteDriverPath) as typeof BetterSqlite3;
