import { InvokeModelCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import type { EmbeddingCall, EmbeddingModel, EmbeddingResult } from '../embedding-model.js';
import { parseJson } from '../parse-json.js';
import { bedrockError } from './bedrock-error.js';

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
    let response;
    try {
      response = await this.client.send(
        new InvokeModelCommand({
          modelId: call.upstreamModelId,
          contentType: 'application/json',
          accept: 'application/json',
          body: JSON.stringify(body),
        }),
        { abortSignal: call.signal },
      );
    } catch (error) {
      if (call.signal.aborted) throw new GatewayError('cancelled');
      throw bedrockError(error);
    }
    const parsed = parseJson(Buffer.from(response.body ?? new Uint8Array()).toString('utf8'), titanEmbeddingSchema);
    if (!parsed.success) throw new GatewayError('upstream_bad_response', `Bedrock returned an embedding body that is ${parsed.error}.`);
    return { embedding: parsed.data.embedding, inputTokens: parsed.data.inputTextTokenCount ?? 0 };
  }
}
