import { sessionIdSchema, simulateSchema } from '@streamgate/protocol/schemas';
import { z } from 'zod';

/** A content part: text, or another kind (`image_url`, `input_audio`, `file`) passed on to servers that take it. */
const contentPartSchema = z.looseObject({ type: z.string().min(1), text: z.string().optional() });
const contentSchema = z.union([z.string(), z.array(contentPartSchema).max(1000)]);

const toolCallSchema = z.looseObject({
  id: z.string().max(256),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string().min(1).max(256), arguments: z.string() }),
});

const messageSchema = z.discriminatedUnion('role', [
  z.looseObject({ role: z.enum(['system', 'developer']), content: contentSchema, name: z.string().optional() }),
  z.looseObject({ role: z.literal('user'), content: contentSchema, name: z.string().optional() }),
  z.looseObject({
    role: z.literal('assistant'),
    content: contentSchema.nullish(),
    tool_calls: z.array(toolCallSchema).max(128).nullish(),
    name: z.string().optional(),
  }),
  z.looseObject({ role: z.literal('tool'), content: contentSchema, tool_call_id: z.string().max(256) }),
]);

const toolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a tool name is 1-64 characters of A-Z, a-z, 0-9, "_" or "-"'),
    description: z.string().max(10_000).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1).max(64) }) }),
]);

/**
 * The body of `POST /v1/chat/completions`, as OpenAI's API defines it; `session_id` and `simulate` are
 * StreamGate's own. Fields not declared here are kept: OpenAI-compatible upstreams get them as sent,
 * and other upstreams refuse them unless harmless (`request-parameters.ts`).
 */
export const chatCompletionsBodySchema = z.looseObject({
  model: z.string().min(1).max(256).optional().describe('A gateway model id or alias (default: the default model)'),
  messages: z.array(messageSchema).min(1, 'messages must not be empty').max(10_000),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().min(1).max(1_000_000).nullish(),
  max_completion_tokens: z.number().int().min(1).max(1_000_000).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.literal(1, 'only n = 1 is supported').nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(16)]).nullish(),
  tools: z.array(toolSchema).max(128).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  user: z.string().max(256).nullish(),
  session_id: sessionIdSchema.optional().describe('StreamGate: record the turn in this session (or send X-Session-Id)'),
  simulate: simulateSchema.optional().describe('StreamGate: shape the simulator model’s reply'),
}).meta({ example: { model: 'simulator', messages: [{ role: 'user', content: 'Hello' }], simulate: { ttft_ms: 100, tokens_per_second: 20, output_tokens: 12 } } });

export type ChatCompletionsBody = z.infer<typeof chatCompletionsBodySchema>;
export type ChatCompletionsMessage = ChatCompletionsBody['messages'][number];
export type ContentValue = z.infer<typeof contentSchema>;
