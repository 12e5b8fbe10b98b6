import { z } from 'zod';
import type { ApiKey, KeyLimits } from '../../stores/keys/key-store.js';

const count = (max: number) => z.number().int().min(0).max(max);

export const limitsSchema = z
  .object({
    requests_per_window: count(10_000_000).optional(),
    window_seconds: z.number().int().min(1).max(86_400).optional(),
    tokens_per_minute: count(1_000_000_000).optional(),
    concurrent_streams: count(1_000_000).optional(),
  })
  .strict()
  .describe('Overrides of the RATE_LIMIT_* defaults; 0 means unlimited');

export const budgetSchema = z
  .object({ usd: z.number().min(0).max(1e9), period: z.enum(['day', 'month', 'total']).default('month') })
  .strict()
  .describe('Spend allowed per period (UTC), from the models prices');

const name = z.string().trim().min(1).max(200);
const timestamp = z.string().datetime({ offset: true }).transform((value) => new Date(value).toISOString());

export const keyFieldsSchema = z
  .object({
    name,
    owner: name,
    allowed_models: z.array(z.string().min(1).max(200)).max(1000).nullable().optional().describe('Model ids or aliases; omitted or null: every model'),
    limits: limitsSchema.optional(),
    budget: budgetSchema.nullable().optional(),
    expires_at: timestamp.nullable().optional().describe('ISO 8601; omitted or null: never'),
  })
  .strict()
  .meta({ example: { name: 'support bot', owner: 'team-a', allowed_models: ['simulator'], limits: { requests_per_window: 600 }, budget: { usd: 50, period: 'month' } } });

export const wireKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  owner: z.string(),
  status: z.enum(['active', 'revoked', 'expired']),
  allowed_models: z.array(z.string()).nullable(),
  limits: limitsSchema,
  budget: z.object({ usd: z.number(), period: z.enum(['day', 'month', 'total']) }).nullable(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  secrets: z.array(z.object({ hint: z.string().describe('Last four characters'), created_at: z.string(), expires_at: z.string().nullable() })),
});

export type WireKey = z.infer<typeof wireKeySchema>;

export function toWireLimits(limits: KeyLimits): z.infer<typeof limitsSchema> {
  return {
    ...(limits.requestsPerWindow !== undefined ? { requests_per_window: limits.requestsPerWindow } : {}),
    ...(limits.windowSeconds !== undefined ? { window_seconds: limits.windowSeconds } : {}),
    ...(limits.tokensPerMinute !== undefined ? { tokens_per_minute: limits.tokensPerMinute } : {}),
    ...(limits.concurrentStreams !== undefined ? { concurrent_streams: limits.concurrentStreams } : {}),
  };
}

export function fromWireLimits(limits: z.infer<typeof limitsSchema>): KeyLimits {
  return {
    ...(limits.requests_per_window !== undefined ? { requestsPerWindow: limits.requests_per_window } : {}),
    ...(limits.window_seconds !== undefined ? { windowSeconds: limits.window_seconds } : {}),
    ...(limits.tokens_per_minute !== undefined ? { tokensPerMinute: limits.tokens_per_minute } : {}),
    ...(limits.concurrent_streams !== undefined ? { concurrentStreams: limits.concurrent_streams } : {}),
  };
}

export function toWireKey(key: ApiKey, now = new Date().toISOString()): WireKey {
  const status = key.revokedAt !== null ? 'revoked' : key.expiresAt !== null && key.expiresAt <= now ? 'expired' : 'active';
  return {
    id: key.id,
    name: key.name,
    owner: key.owner,
    status,
    allowed_models: key.allowedModels,
    limits: toWireLimits(key.limits),
    budget: key.budget,
    created_at: key.createdAt,
    expires_at: key.expiresAt,
    revoked_at: key.revokedAt,
    secrets: key.secrets.map((secret) => ({ hint: secret.hint, created_at: secret.createdAt, expires_at: secret.expiresAt })),
  };
}
