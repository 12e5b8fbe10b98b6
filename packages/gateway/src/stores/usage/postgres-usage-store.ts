import type pg from 'pg';
import { migratePostgres } from '../postgres/postgres-pool.js';
import { groupColumns, SUMMARY_COLUMNS, toSummary, type StoredUsage, type SummaryRow, type UsageQuery, type UsageStore, type UsageSummary } from './usage-store.js';

const MIGRATIONS = [
  `CREATE TABLE usage_records (
     id uuid PRIMARY KEY,
     request_id text NOT NULL,
     key_id text NOT NULL,
     user_id text,
     session_id text NOT NULL,
     model text NOT NULL,
     provider text NOT NULL,
     transport text NOT NULL,
     input_tokens integer NOT NULL,
     output_tokens integer NOT NULL,
     ttft_ms double precision,
     total_ms double precision NOT NULL,
     outcome text NOT NULL,
     error_code text,
     cost_usd double precision NOT NULL,
     started_at timestamptz NOT NULL
   );
   CREATE INDEX usage_records_started ON usage_records (started_at);
   CREATE INDEX usage_records_key_started ON usage_records (key_id, started_at);`,
];

const COLUMNS = [
  'id', 'request_id', 'key_id', 'user_id', 'session_id', 'model', 'provider', 'transport', 'input_tokens',
  'output_tokens', 'ttft_ms', 'total_ms', 'outcome', 'error_code', 'cost_usd', 'started_at',
] as const;

/** Usage in PostgreSQL (`DATABASE_URL`): shared by every instance, for reporting across them. */
export class PostgresUsageStore implements UsageStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(pool: pg.Pool): Promise<PostgresUsageStore> {
    await migratePostgres(pool, 'usage', MIGRATIONS);
    return new PostgresUsageStore(pool);
  }

  /** One multi-row INSERT per batch, idempotent on the record id. */
  async insert(records: readonly StoredUsage[]): Promise<void> {
    if (records.length === 0) return;
    const values: unknown[] = [];
    const rows = records.map((record) => {
      const row = [
        record.id, record.requestId, record.keyId, record.userId ?? null, record.sessionId, record.model, record.provider,
        record.transport, record.inputTokens, record.outputTokens, record.ttftMs, record.totalMs, record.outcome,
        record.errorCode ?? null, record.costUsd, record.startedAt,
      ];
      const placeholders = row.map((_, index) => `$${values.length + index + 1}`);
      values.push(...row);
      return `(${placeholders.join(', ')})`;
    });
    await this.pool.query(`INSERT INTO usage_records (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')} ON CONFLICT (id) DO NOTHING`, values);
  }

  async summarize(query: UsageQuery): Promise<UsageSummary[]> {
    const { select, group } = groupColumns(query.groupBy, "to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')");
    const result = await this.pool.query<SummaryRow>(
      `SELECT ${select}${SUMMARY_COLUMNS} FROM usage_records WHERE started_at >= $1 AND started_at < $2 AND ($3::text IS NULL OR key_id = $3) ${group}`,
      [query.from, query.to, query.keyId ?? null],
    );
    return result.rows.filter((row) => Number(row.requests) > 0).map(toSummary);
  }

  async spend(keyId: string, since: string): Promise<number> {
    const result = await this.pool.query<{ spend: number | null }>('SELECT SUM(cost_usd) AS spend FROM usage_records WHERE key_id = $1 AND started_at >= $2', [keyId, since]);
    return Number(result.rows[0]?.spend ?? 0);
  }

  async check(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {}
}
