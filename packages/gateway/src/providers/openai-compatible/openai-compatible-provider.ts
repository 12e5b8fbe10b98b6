import { z } from 'zod';
import type { ChatModelSettings, Provider, ProviderState } from '../provider.js';
import { ProviderHealth } from '../provider-health.js';
import { OpenAiCompatibleChatModel } from './openai-compatible-chat-model.js';
import { OpenAiCompatibleEmbeddingModel } from './openai-compatible-embedding-model.js';
import { openAiCompatibleError, openAiCompatibleHttpError } from './openai-compatible-error.js';
import { OpenAiCompatibleImageModel } from './openai-compatible-image-model.js';
import type { OpenAiCompatibleServer } from './openai-compatible-http.js';

/** Settings of an OpenAI-compatible chat model in the models file (`options`). */
export const openAiCompatibleModelOptionsSchema = z.object({ includeUsage: z.boolean().optional() }).strict();

const CHECK_TTL_MS = 30_000;
const CHECK_TIMEOUT_MS = 2_000;

/**
 * Any server that speaks OpenAI's chat completions and embeddings API: vLLM, Ollama, llama.cpp's
 * server, LM Studio, OpenAI itself.
 *
 * @example
 * const vllm = createOpenAiCompatibleProvider({ name: 'vllm', baseUrl: 'http://127.0.0.1:8000/v1' });
 * const model = vllm.chatModel('meta-llama/Llama-3.1-8B-Instruct');
 */
export function createOpenAiCompatibleProvider(options: { name: string; baseUrl: string; apiKey?: string; headers?: Record<string, string> }): Provider {
  const server: OpenAiCompatibleServer = {
    name: options.name,
    baseUrl: options.baseUrl,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  };
  const embeddings = new OpenAiCompatibleEmbeddingModel(server);
  const images = new OpenAiCompatibleImageModel(server);
  let cached: { state: ProviderState; at: number } | undefined;
  return {
    name: options.name,
    type: 'openai-compatible',
    health: new ProviderHealth(),
    chatModel(_upstreamModelId: string, settings: ChatModelSettings = {}) {
      const parsed = openAiCompatibleModelOptionsSchema.safeParse(settings.options ?? {});
      if (!parsed.success) throw new Error(`OpenAI-compatible options: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
      return new OpenAiCompatibleChatModel(server, { streaming: settings.streaming ?? true, includeUsage: parsed.data.includeUsage ?? true });
    },
    embeddingModel: () => embeddings,
    imageModel: () => images,
    /** `GET /models` answers: the server is up and takes the key. Checked at most every 30 s, for at most 2 s. */
    async check() {
      if (cached && performance.now() - cached.at < CHECK_TTL_MS) return cached.state;
      let state: ProviderState;
      try {
        const response = await fetch(`${server.baseUrl.replace(/\/+$/, '')}/models`, {
          headers: { ...(server.apiKey ? { authorization: `Bearer ${server.apiKey}` } : {}), ...server.headers },
          signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
        });
        await response.body?.cancel();
        state = response.ok ? { status: 'ok' } : { status: 'error', message: openAiCompatibleHttpError(response.status, '', server.name).message };
      } catch (error) {
        state = { status: 'error', message: openAiCompatibleError(error, server.name).message };
      }
      cached = { state, at: performance.now() };
      return state;
    },
    async close() {},
  };
}
