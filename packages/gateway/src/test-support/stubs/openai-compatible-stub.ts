import type { StubStep } from './stub-step.js';
import { sseEvent, startHttpStub, type HttpStub, type HttpStubReply, type HttpStubRequest } from './http-stub.js';

/**
 * An OpenAI-compatible server on 127.0.0.1 (as vLLM, Ollama or llama.cpp serve it):
 * `POST /v1/chat/completions` (streamed as SSE when the body says `stream: true`), `POST /v1/embeddings`,
 * `GET /v1/models`. `answer` decides each reply; helpers below build the usual ones.
 */
export async function startOpenAiCompatibleStub(answer: (request: HttpStubRequest) => HttpStubReply | Promise<HttpStubReply>): Promise<HttpStub> {
  return startHttpStub(answer);
}

/** `chat.completion.chunk` events for a text reply, then a usage chunk and `[DONE]`. */
export function openAiChunkSteps(
  pieces: readonly string[],
  options: { model?: string; finishReason?: string; promptTokens?: number; completionTokens?: number } = {},
): StubStep<string>[] {
  const base = { id: 'chatcmpl-stub', object: 'chat.completion.chunk', created: 1_700_000_000, model: options.model ?? 'stub-model' };
  const promptTokens = options.promptTokens ?? 9;
  const completionTokens = options.completionTokens ?? pieces.length;
  return [
    { send: sseEvent({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }) },
    ...pieces.map((content) => ({ send: sseEvent({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] }) })),
    { send: sseEvent({ ...base, choices: [{ index: 0, delta: {}, finish_reason: options.finishReason ?? 'stop' }] }) },
    {
      send: sseEvent({
        ...base,
        choices: [],
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      }),
    },
    { send: 'data: [DONE]\n\n' },
  ];
}

/** A whole `chat.completion` body. */
export function openAiCompletion(text: string, options: { finishReason?: string; promptTokens?: number; completionTokens?: number } = {}) {
  return {
    id: 'chatcmpl-stub',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'stub-model',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: options.finishReason ?? 'stop' }],
    usage: {
      prompt_tokens: options.promptTokens ?? 9,
      completion_tokens: options.completionTokens ?? 3,
      total_tokens: (options.promptTokens ?? 9) + (options.completionTokens ?? 3),
    },
  };
}
