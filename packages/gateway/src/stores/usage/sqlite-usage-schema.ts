/** The usage table's migrations and its insert, shared by the store and its writer thread. */

export const USAGE_MIGRATIONS = [
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

export const INSERT_USAGE =
  `INSERT OR IGNORE INTO usage_records (id, request_id, key_id, user_id, session_id, model, provider, transport, input_tokens,
         output_tokens, ttft_ms, total_ms, outcome, error_code, cost_usd, started_at)
       VALUES (@id, @requestId, @keyId, @userId, @sessionId, @model, @provider, @transport, @inputTokens, @outputTokens, @ttftMs,
         @totalMs, @outcome, @errorCode, @costUsd, @startedAt)`;
