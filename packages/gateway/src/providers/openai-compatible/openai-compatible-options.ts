import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import type { ChatModelCall } from '../chat-model.js';
import { isPlainObject } from '../parse-json.js';

/** Fields of a chat completions body that the gateway itself sets; `parameters` cannot override them. */
const RESERVED_FIELDS = new Set(['model', 'messages', 'stream', 'stream_options', 'max_tokens', 'temperature']);

/**
 * `providerOptions['openai-compatible']` on a model call, set by the OpenAI-compatible routes:
 * `messages`, when given, replace the ones converted from the chat history (so tool calls, tool
 * results, names and image parts reach the upstream as the client sent them); `parameters` are
 * further request fields (`tools`, `tool_choice`, `top_p`, `stop`, `seed`, `response_format`, ...).
 */
export const openAiCompatibleCallOptionsSchema = z
  .object({
    messages: z.array(z.record(z.string(), z.unknown())).min(1).optional(),
    parameters: z
      .record(z.string(), z.unknown())
      .refine((parameters) => Object.keys(parameters).every((key) => !RESERVED_FIELDS.has(key)), `parameters may not set ${[...RESERVED_FIELDS].join(', ')}`)
      .optional(),
  })
  .strict();

export type OpenAiCompatibleCallOptions = z.infer<typeof openAiCompatibleCallOptionsSchema>;

/** Whether options are valid by the schema, checked by hand: they come with every request of the OpenAI routes. */
function isValidOptions(value: unknown): value is OpenAiCompatibleCallOptions {
  if (!isPlainObject(value)) return false;
  const { messages, parameters, ...rest } = value;
  if (Object.keys(rest).length > 0) return false;
  if (messages !== undefined && !(Array.isArray(messages) && messages.length > 0 && messages.every(isPlainObject))) return false;
  return parameters === undefined || (isPlainObject(parameters) && Object.keys(parameters).every((key) => !RESERVED_FIELDS.has(key)));
}

/** The call's OpenAI-compatible options, validated; undefined when the route set none. */
export function openAiCompatibleCallOptions(call: ChatModelCall): OpenAiCompatibleCallOptions | undefined {
  const raw = call.providerOptions?.['openai-compatible'];
  if (raw === undefined) return undefined;
  if (isValidOptions(raw)) return raw;
  // Invalid: the schema says why.
  const result = openAiCompatibleCallOptionsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new GatewayError('invalid_request', `OpenAI-compatible options: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  return result.data;
}
