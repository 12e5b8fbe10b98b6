import { ERROR_CODES } from '@streamgate/protocol';
import { sessionIdSchema } from '@streamgate/protocol/schemas';
import { z } from 'zod';

export const usageSchema = z.object({ input_tokens: z.number().int(), output_tokens: z.number().int() });

export const metricsSchema = z.object({
  ttft_ms: z.number().nullable().describe('Milliseconds from admission to the first text'),
  total_ms: z.number(),
  output_tokens_per_second: z.number().describe('Output tokens divided by total time'),
});

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    request_id: z.string().optional(),
    details: z.unknown().optional(),
  }),
});

export const sessionParamsSchema = z.object({ session_id: sessionIdSchema });
