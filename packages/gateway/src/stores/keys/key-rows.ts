import type { ApiKey, BudgetPeriod, KeyLimits, StoredSecret } from './key-store.js';

/** A key's row as both SQL stores hold it (timestamps as ISO strings by the time they get here). */
export interface KeyRow {
  id: string;
  name: string;
  owner: string;
  allowed_models: string[] | null;
  limits: KeyLimits;
  budget_usd: number | null;
  budget_period: BudgetPeriod | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export function toApiKey(row: KeyRow, secrets: Omit<StoredSecret, 'hash'>[]): ApiKey {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    allowedModels: row.allowed_models,
    limits: row.limits,
    budget: row.budget_usd === null ? null : { usd: Number(row.budget_usd), period: row.budget_period ?? 'month' },
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    secrets,
  };
}
