import { z } from 'zod';

/** OpenAI's `response` object, for the API documentation (the bodies are built by `ResponseTranslator`). */
export const responseObjectSchema = z.object({
  id: z.string().describe('resp_<request id>'),
  object: z.literal('response'),
  created_at: z.number().int(),
  status: z.enum(['queued', 'in_progress', 'completed', 'failed', 'cancelled', 'incomplete']),
  background: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).nullable().describe('code: StreamGate’s stable error code (docs/errors.md)'),
  incomplete_details: z.object({ reason: z.string() }).nullable(),
  model: z.string(),
  output: z.array(
    z.object({
      type: z.literal('message'),
      id: z.string(),
      status: z.string(),
      role: z.literal('assistant'),
      content: z.array(z.object({ type: z.literal('output_text'), text: z.string() })),
    }),
  ),
  previous_response_id: z.string().nullable(),
  usage: z
    .object({ input_tokens: z.number().int(), output_tokens: z.number().int(), total_tokens: z.number().int() })
    .nullable(),
});

/** `{response_id}` in a path: any string, so that an id of another shape is a 404 like an unknown one. */
export const responseIdParams = z.object({ response_id: z.string().min(1).max(300) });
