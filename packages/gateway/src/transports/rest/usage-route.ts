import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import type { UsageGroup, UsageStore } from '../../stores/usage/usage-store.js';
import type { UsageWriter } from '../../stores/usage/usage-writer.js';
import { errorResponseSchema } from '../schemas.js';

const DAY_MS = 24 * 3600 * 1000;
const GROUPS = ['key', 'model', 'day'] as const;

const instant = z
  .string()
  .refine((value) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(value) && !Number.isNaN(Date.parse(value)), 'an ISO 8601 date or time')
  .transform((value) => new Date(value).toISOString());

const querySchema = z.object({
  from: instant.optional().describe('ISO 8601, inclusive (default: 30 days before `to`)'),
  to: instant.optional().describe('ISO 8601, exclusive (default: now)'),
  group_by: z
    .string()
    .optional()
    .transform((value, context) => {
      const groups = (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
      const unknown = groups.filter((group) => !(GROUPS as readonly string[]).includes(group));
      if (unknown.length > 0) {
        context.addIssue({ code: 'custom', message: `group_by takes key, model and day, not ${unknown.join(', ')}` });
        return z.NEVER;
      }
      return [...new Set(groups)] as UsageGroup[];
    })
    .describe('Comma-separated: key, model, day'),
  key_id: z.string().max(300).optional().describe('Only this key (the admin: any key; a key: only itself)'),
});

const totalsSchema = z.object({
  requests: z.number().int(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cost_usd: z.number(),
  outcomes: z.object({ completed: z.number().int(), partial: z.number().int(), failed: z.number().int(), cancelled: z.number().int() }),
});

const usageSchema = z.object({
  from: z.string(),
  to: z.string(),
  group_by: z.array(z.enum(GROUPS)),
  key_id: z.string().optional(),
  rows: z.array(totalsSchema.extend({ key_id: z.string().optional(), model: z.string().optional(), day: z.string().optional() })),
  totals: totalsSchema,
});

/** `GET /v1/usage`: requests, tokens and cost over a time range, grouped; a key sees only its own. */
export function registerUsageRoute(app: FastifyInstance, store: UsageStore, writer: UsageWriter | undefined): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/usage',
    {
      schema: {
        summary: 'Usage and cost, by key, model and day',
        description: 'The admin credential sees every key (and may filter with `key_id`); any other credential sees only its own usage.',
        tags: ['usage'],
        querystring: querySchema,
        response: { 200: usageSchema, '4XX': errorResponseSchema, '5XX': errorResponseSchema },
      },
    },
    async function usage(request) {
      const caller = request.caller;
      const { key_id: requested, group_by: groupBy = [] } = request.query;
      if (!caller.admin && requested !== undefined && requested !== caller.keyId) {
        throw new GatewayError('forbidden', "A key may read only its own usage; the admin credential reads any key's.");
      }
      const keyId = caller.admin ? requested : caller.keyId;
      const to = request.query.to ?? new Date().toISOString();
      const from = request.query.from ?? new Date(Date.parse(to) - 30 * DAY_MS).toISOString();
      if (from >= to) throw new GatewayError('invalid_request', '`from` must be before `to`.');
      // Records of this instance still in the write buffer: write them first, so a caller sees its own requests.
      await writer?.sync(1000);
      let summaries;
      try {
        summaries = await store.summarize({ from, to, groupBy, ...(keyId !== undefined ? { keyId } : {}) });
      } catch (error) {
        throw new GatewayError('dependency_unavailable', 'The usage store is unavailable; retry shortly.', { cause: error });
      }
      const rows = summaries.map((summary) => ({
        ...(summary.keyId !== undefined ? { key_id: summary.keyId } : {}),
        ...(summary.model !== undefined ? { model: summary.model } : {}),
        ...(summary.day !== undefined ? { day: summary.day } : {}),
        requests: summary.requests,
        input_tokens: summary.inputTokens,
        output_tokens: summary.outputTokens,
        cost_usd: summary.costUsd,
        outcomes: summary.outcomes,
      }));
      const totals = rows.reduce(
        (sum, row) => ({
          requests: sum.requests + row.requests,
          input_tokens: sum.input_tokens + row.input_tokens,
          output_tokens: sum.output_tokens + row.output_tokens,
          cost_usd: Math.round((sum.cost_usd + row.cost_usd) * 1e8) / 1e8,
          outcomes: {
            completed: sum.outcomes.completed + row.outcomes.completed,
            partial: sum.outcomes.partial + row.outcomes.partial,
            failed: sum.outcomes.failed + row.outcomes.failed,
            cancelled: sum.outcomes.cancelled + row.outcomes.cancelled,
          },
        }),
        { requests: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, outcomes: { completed: 0, partial: 0, failed: 0, cancelled: 0 } },
      );
      return { from, to, group_by: groupBy, ...(keyId !== undefined ? { key_id: keyId } : {}), rows, totals };
    },
  );
}
