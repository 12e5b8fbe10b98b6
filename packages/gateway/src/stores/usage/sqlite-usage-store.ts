import { openSqlite } from '../sqlite-database.js';
import type { SqliteDatabase, SqliteStatement } from '../sqlite-driver.js';
import { USAGE_MIGRATIONS } from './sqlite-usage-schema.js';
import { SqliteUsageWriterThread } from './sqlite-usage-writer-thread.js';
import { groupColumns, SUMMARY_COLUMNS, toSummary, type StoredUsage, type SummaryRow, type UsageQuery, type UsageStore, type UsageSummary } from './usage-store.js';


/**
 * Usage in a SQLite file (`DATA_DIR/usage.db`): the single-machine default. Inserts go through a worker
 * thread (a batch of 500 took 10-20 ms of the event loop, 15% of a busy gateway's CPU); reads (`GET
 * /v1/usage`, budgets) use this thread's connection, which WAL mode lets read while the worker writes.
 */
export class SqliteUsageStore implements UsageStore {
  private readonly database: SqliteDatabase;
  private readonly writer: SqliteUsageWriterThread;
  private readonly spendStatement: SqliteStatement<[string, string], { spend: number | null }>;

  constructor(file: string) {
    this.database = openSqlite(file, USAGE_MIGRATIONS);
    this.writer = new SqliteUsageWriterThread(file);
    this.spendStatement = this.database.prepare('SELECT SUM(cost_usd) AS spend FROM usage_records WHERE key_id = ? AND started_at >= ?');
  }

  /** Written by a worker thread on its own connection: a batch costs the event loop nothing. */
  async insert(records: readonly StoredUsage[]): Promise<void> {
    await this.writer.insert(records);
  }

  async summarize(query: UsageQuery): Promise<UsageSummary[]> {
    const { select, group } = groupColumns(query.groupBy, 'substr(started_at, 1, 10)');
    const rows = this.database
      .prepare<unknown[], SummaryRow>(
        `SELECT ${select}${SUMMARY_COLUMNS} FROM usage_records WHERE started_at >= ? AND started_at < ? AND (? IS NULL OR key_id = ?) ${group}`,
      )
      .all(query.from, query.to, query.keyId ?? null, query.keyId ?? null);
    return rows.filter((row) => Number(row.requests) > 0).map(toSummary);
  }

  async spend(keyId: string, since: string): Promise<number> {
    return this.spendStatement.get(keyId, since)?.spend ?? 0;
  }

  async check(): Promise<void> {
    this.database.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.writer.close();
    if (this.database.open) this.database.close();
  }
}
