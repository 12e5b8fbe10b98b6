import type { ChatCompletionsBody } from './chat-completions-body.js';
import { toConverseOptions } from './convert-to-converse.js';
import { passedParameters } from './request-parameters.js';

/**
 * Provider options for a chat completion, by provider type: OpenAI-compatible upstreams get the
 * messages and every field as the client sent them (`logprobs`, `reasoning_effort`, unknown ones...); Bedrock gets Converse messages and tools when the
 * request uses tools. Other providers see the text conversation only.
 */
export function openAiProviderOptions(body: ChatCompletionsBody): Record<string, unknown> {
  const parameters = passedParameters(body);
  const bedrock = toConverseOptions(body);
  return {
    'openai-compatible': { messages: body.messages, ...(Object.keys(parameters).length > 0 ? { parameters } : {}) },
    ...(bedrock ? { bedrock } : {}),
  };
}
