import type Database from 'better-sqlite3';
import { openSqlite } from '../sqlite-database.js';
import { groupColumns, SUMMARY_COLUMNS, toSummary, type StoredUsage, type SummaryRow, type UsageQuery, type UsageStore, type UsageSummary } from './usage-store.js';

const MIGRATIONS = [
  `CREATE TABLE usage_records (
     id TEXT PRIMARY KEY,
     request_id TEXT NOT NULL,
     key_id TEXT NOT NULL,
     user_id TEXT,
     session_id TEXT NOT NULL,
     model TEXT NOT NULL,
     provider TEXT NOT NULL,
     transport TEXT NOT NULL,
     input_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL,
     ttft_ms REAL,
     total_ms REAL NOT NULL,
     outcome TEXT NOT NULL,
     error_code TEXT,
     cost_usd REAL NOT NULL,
     started_at TEXT NOT NULL
   );
   CREATE INDEX usage_records_started ON usage_records (started_at);
   CREATE INDEX usage_records_key_started ON usage_records (key_id, started_at);`,
];

/** Usage in a SQLite file (`DATA_DIR/usage.db`): the single-machine default. */
export class SqliteUsageStore implements UsageStore {
  private readonly database: Database.Database;
  private readonly insertOne: Database.Statement;
  private readonly spendStatement: Database.Statement<[string, string], { spend: number | null }>;

  constructor(file: string) {
    this.database = openSqlite(file, MIGRATIONS);
    this.insertOne = this.database.prepare(
      `INSERT OR IGNORE INTO usage_records (id, request_id, key_id, user_id, session_id, model, provider, transport, input_tokens,
         output_tokens, ttft_ms, total_ms, outcome, error_code, cost_usd, started_at)
       VALUES (@id, @requestId, @keyId, @userId, @sessionId, @model, @provider, @transport, @inputTokens, @outputTokens, @ttftMs,
         @totalMs, @outcome, @errorCode, @costUsd, @startedAt)`,
    );
    this.spendStatement = this.database.prepare('SELECT SUM(cost_usd) AS spend FROM usage_records WHERE key_id = ? AND started_at >= ?');
  }

  async insert(records: readonly StoredUsage[]): Promise<void> {
    // One transaction per batch: a 500-record batch takes a few milliseconds.
    this.database.transaction(() => {
      for (const record of records) this.insertOne.run({ userId: null, errorCode: null, ...record });
    })();
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
    if (this.database.open) this.database.close();
  }
}
