import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { z } from 'zod';
import type { EmbeddingCall, EmbeddingModel, EmbeddingResult } from '../embedding-model.js';
import { invokeModelJson } from './invoke-model-json.js';

const titanEmbeddingSchema = z.object({
  embedding: z.array(z.number()).min(1),
  inputTextTokenCount: z.number().int().min(0).optional(),
});

/**
 * Amazon Titan Text Embeddings (v2: `amazon.titan-embed-text-v2:0`, with `dimensions` 256, 512 or
 * 1024 and `normalize`; v1 takes the text only) through InvokeModel.
 */
export class BedrockEmbeddingModel implements EmbeddingModel {
  constructor(private readonly client: BedrockRuntimeClient) {}

  async embed(call: EmbeddingCall): Promise<EmbeddingResult> {
    const isV1 = call.upstreamModelId.includes('titan-embed-text-v1');
    const body = isV1
      ? { inputText: call.text }
      : {
          inputText: call.text,
          ...(call.dimensions !== undefined ? { dimensions: call.dimensions } : {}),
          ...(call.normalize !== undefined ? { normalize: call.normalize } : {}),
        };
    const parsed = await invokeModelJson(
      this.client,
      { modelId: call.upstreamModelId, body, signal: call.signal, what: 'an embedding body' },
      titanEmbeddingSchema,
    );
    return { embedding: parsed.embedding, inputTokens: parsed.inputTextTokenCount ?? 0 };
  }
}
