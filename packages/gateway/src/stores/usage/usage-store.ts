import type { UsageRecord } from '../../engine/usage-record.js';

/** A usage record as stored: with a unique id, so that a retried batch never counts twice. */
export interface StoredUsage extends UsageRecord {
  id: string;
}

export type UsageGroup = 'key' | 'model' | 'day';

export interface UsageQuery {
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, exclusive. */
  to: string;
  /** Only this key's records. */
  keyId?: string;
  groupBy: UsageGroup[];
}

/** Totals of one group (the group's columns are set for the groupings asked for). */
export interface UsageSummary {
  keyId?: string;
  model?: string;
  /** `YYYY-MM-DD`, UTC. */
  day?: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  outcomes: { completed: number; partial: number; failed: number; cancelled: number };
}

/** Where usage records end up (memory | sqlite | postgres), written in batches by the UsageWriter. */
export interface UsageStore {
  /** Inserts a batch; records whose id is already stored are skipped. */
  insert(records: readonly StoredUsage[]): Promise<void>;
  summarize(query: UsageQuery): Promise<UsageSummary[]>;
  /** Dollars a key has spent since a time. */
  spend(keyId: string, since: string): Promise<number>;
  /** Throws when the store cannot serve (for `/ready`). */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** SQL for the group columns, by grouping; shared by the SQL stores (values are never interpolated). */
export function groupColumns(groupBy: readonly UsageGroup[], day: string): { select: string; group: string } {
  const columns = groupBy.map((group) => (group === 'key' ? 'key_id' : group === 'model' ? 'model' : `${day} AS day`));
  const names = groupBy.map((group) => (group === 'key' ? 'key_id' : group === 'model' ? 'model' : 'day'));
  return { select: columns.map((column) => `${column}, `).join(''), group: names.length > 0 ? `GROUP BY ${names.join(', ')} ORDER BY ${names.join(', ')}` : '' };
}

export interface SummaryRow {
  key_id?: string;
  model?: string;
  day?: string;
  requests: number | string;
  input_tokens: number | string | null;
  output_tokens: number | string | null;
  cost_usd: number | string | null;
  completed: number | string | null;
  partial: number | string | null;
  failed: number | string | null;
  cancelled: number | string | null;
}

export const SUMMARY_COLUMNS = `COUNT(*) AS requests, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
  SUM(cost_usd) AS cost_usd,
  SUM(CASE WHEN outcome = 'completed' THEN 1 ELSE 0 END) AS completed,
  SUM(CASE WHEN outcome = 'partial' THEN 1 ELSE 0 END) AS partial,
  SUM(CASE WHEN outcome = 'failed' THEN 1 ELSE 0 END) AS failed,
  SUM(CASE WHEN outcome = 'cancelled' THEN 1 ELSE 0 END) AS cancelled`;

export function toSummary(row: SummaryRow): UsageSummary {
  return {
    ...(row.key_id !== undefined ? { keyId: row.key_id } : {}),
    ...(row.model !== undefined ? { model: row.model } : {}),
    ...(row.day !== undefined ? { day: row.day } : {}),
    requests: Number(row.requests),
    inputTokens: Number(row.input_tokens ?? 0),
    outputTokens: Number(row.output_tokens ?? 0),
    costUsd: Math.round(Number(row.cost_usd ?? 0) * 1e8) / 1e8,
    outcomes: { completed: Number(row.completed ?? 0), partial: Number(row.partial ?? 0), failed: Number(row.failed ?? 0), cancelled: Number(row.cancelled ?? 0) },
  };
}
