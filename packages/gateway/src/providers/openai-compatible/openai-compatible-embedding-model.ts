import { GatewayError } from '../../errors.js';
import type { EmbeddingCall, EmbeddingModel, EmbeddingResult } from '../embedding-model.js';
import { parseJson } from '../parse-json.js';
import { estimateTextTokens } from '../token-estimate.js';
import { openAiCompatibleError } from './openai-compatible-error.js';
import { postJson, readText, type OpenAiCompatibleServer } from './openai-compatible-http.js';
import { embeddingsSchema } from './openai-compatible-schemas.js';

const MAX_EMBEDDING_BYTES = 16 * 1024 * 1024;

/** Text embeddings on an OpenAI-compatible server (`POST /embeddings`). */
export class OpenAiCompatibleEmbeddingModel implements EmbeddingModel {
  constructor(private readonly server: OpenAiCompatibleServer) {}

  async embed(call: EmbeddingCall): Promise<EmbeddingResult> {
    const response = await postJson(
      this.server,
      '/embeddings',
      { model: call.upstreamModelId, input: call.text, ...(call.dimensions !== undefined ? { dimensions: call.dimensions } : {}) },
      call.signal,
    );
    let text: string;
    try {
      text = await readText(response, MAX_EMBEDDING_BYTES);
    } catch (error) {
      throw openAiCompatibleError(error, this.server.name);
    }
    const parsed = parseJson(text, embeddingsSchema);
    if (!parsed.success) throw new GatewayError('upstream_bad_response', `${this.server.name} sent an embeddings body that is ${parsed.error}.`);
    return { embedding: parsed.data.data[0]!.embedding, inputTokens: parsed.data.usage?.prompt_tokens ?? estimateTextTokens(call.text) };
  }
}
