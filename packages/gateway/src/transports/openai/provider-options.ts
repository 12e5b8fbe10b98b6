import type { ChatCompletionsBody } from './chat-completions-body.js';
import { toConverseOptions } from './convert-to-converse.js';

/** Request fields passed on to OpenAI-compatible upstreams as sent (the gateway sets model, messages, stream, limits). */
const PASSED_FIELDS = [
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'top_p',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'logit_bias',
  'user',
  'max_completion_tokens',
] as const satisfies readonly (keyof ChatCompletionsBody)[];

/**
 * Provider options for a chat completion, by provider type: OpenAI-compatible upstreams get the
 * messages and fields as the client sent them; Bedrock gets Converse messages and tools when the
 * request uses tools. Other providers see the text conversation only.
 */
export function openAiProviderOptions(body: ChatCompletionsBody): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const field of PASSED_FIELDS) if (body[field] != null) parameters[field] = body[field];
  const bedrock = toConverseOptions(body);
  return {
    'openai-compatible': { messages: body.messages, ...(Object.keys(parameters).length > 0 ? { parameters } : {}) },
    ...(bedrock ? { bedrock } : {}),
  };
}
