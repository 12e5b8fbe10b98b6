import { simulateSchema } from '@streamgate/protocol/schemas';
import { z } from 'zod';
import { GatewayError } from '../../errors.js';

/** A content part of an input message: `input_text` (or `output_text`, in earlier output passed back); other types are refused. */
const inputPartSchema = z.looseObject({ type: z.string().min(1).max(64), text: z.string().optional() });

/** An input item: a message (`type` `message` or absent). Other item types are refused by name. */
const inputItemSchema = z.looseObject({
  type: z.string().min(1).max(64).optional(),
  role: z.string().max(64).optional(),
  content: z.union([z.string(), z.array(inputPartSchema).max(1000)]).optional(),
});

/** OpenAI's metadata: at most 16 pairs, keys up to 64 characters, values up to 512. */
const metadataSchema = z
  .record(z.string().max(64), z.string().max(512))
  .refine((value) => Object.keys(value).length <= 16, 'metadata holds at most 16 pairs');

/**
 * The body of `POST /v1/responses`, as OpenAI's Responses API defines it; `simulate` is StreamGate's
 * own. Fields not declared here are kept so that `checkResponsesParameters` can refuse them by name.
 */
export const responsesBodySchema = z
  .looseObject({
    model: z.string().min(1).max(256).optional().describe('A gateway model id or alias (default: the default model)'),
    input: z.union([z.string(), z.array(inputItemSchema).min(1, 'input must not be empty').max(10_000)]).describe('Text, or a list of messages'),
    instructions: z.string().nullish().describe('The system prompt of this response'),
    max_output_tokens: z.number().int().min(1).max(1_000_000).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.looseObject({ include_obfuscation: z.boolean().nullish() }).nullish(),
    background: z.boolean().nullish().describe('Return at once; the response runs to the end with no client connected'),
    previous_response_id: z.string().max(256).nullish().describe("Continue that response's conversation (its session)"),
    store: z.boolean().nullish().describe('Default true: retained, retrievable and continuable'),
    metadata: metadataSchema.nullish(),
    user: z.string().max(256).nullish(),
    safety_identifier: z.string().max(256).nullish(),
    prompt_cache_key: z.string().max(256).nullish(),
    simulate: simulateSchema.optional().describe('StreamGate: shape the simulator model’s reply'),
  })
  .meta({ example: { model: 'simulator', input: 'Hello', simulate: { ttft_ms: 100, tokens_per_second: 20, output_tokens: 12 } } });

export type ResponsesBody = z.infer<typeof responsesBodySchema>;
export type ResponsesInputItem = z.infer<typeof inputItemSchema>;

/** Fields the gateway handles for every model (validated by the schema above). */
const HANDLED_FIELDS = new Set([
  'model',
  'input',
  'instructions',
  'max_output_tokens',
  'temperature',
  'stream',
  'stream_options',
  'background',
  'previous_response_id',
  'store',
  'metadata',
  // Identify the end user or a cache to OpenAI; the gateway's records carry the caller, and no reply depends on them.
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'simulate',
]);

const isEmptyArray = (value: unknown) => Array.isArray(value) && value.length === 0;

/** Values that ask for nothing beyond a plain text reply, which every model gives. */
const NEUTRAL_VALUES: Readonly<Record<string, (value: unknown) => boolean>> = {
  tools: isEmptyArray,
  include: isEmptyArray,
  tool_choice: (value) => value === 'auto' || value === 'none',
  parallel_tool_calls: (value) => value === true,
  truncation: (value) => value === 'disabled',
  service_tier: (value) => value === 'auto' || value === 'default',
  top_logprobs: (value) => value === 0,
  top_p: (value) => value === 1,
  text: (value) => {
    if (typeof value !== 'object' || value === null) return false;
    const { format, ...rest } = value as { format?: { type?: unknown } | null };
    return Object.keys(rest).length === 0 && (format == null || (Object.keys(format).length === 1 && format.type === 'text'));
  },
  reasoning: (value) => typeof value === 'object' && value !== null && Object.values(value).every((entry) => entry == null),
};

export function unsupportedParameter(param: string, message: string): GatewayError {
  return new GatewayError('unsupported_parameter', message, { details: { param } });
}

/**
 * Refuses a field the gateway's Responses API does not honour, naming it, before anything starts: no
 * field is dropped silently. Upstreams (OpenAI-compatible ones included) are called with the chat
 * request the engine builds, so the same set holds for every model.
 */
export function checkResponsesParameters(body: Readonly<Record<string, unknown>>): void {
  for (const [field, value] of Object.entries(body)) {
    if (HANDLED_FIELDS.has(field) || value === undefined || value === null) continue;
    if (NEUTRAL_VALUES[field]?.(value)) continue;
    throw unsupportedParameter(field, `StreamGate's Responses API does not support "${field}" (with this value): leave it out. docs/openai-compatibility.md lists what it supports.`);
  }
  if (body.background === true && body.store === false) {
    throw new GatewayError('invalid_request', 'A background response is stored: leave "store" out, or set it to true.', {
      details: [{ path: 'store', message: 'background requires store' }],
    });
  }
}
