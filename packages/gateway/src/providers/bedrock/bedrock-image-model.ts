import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import type { ImageCall, ImageModel, ImageResult } from '../image-model.js';
import { invokeModelJson } from './invoke-model-json.js';

const imageResponseSchema = z.object({
  images: z.array(z.string().min(1)).optional(),
  error: z.string().nullish(),
});

/**
 * Text-to-image through InvokeModel for the models that share Titan's request format: Amazon Titan
 * Image Generator (v1, v2) and Amazon Nova Canvas (`TEXT_IMAGE` task, one image, base64 PNG back).
 */
export class BedrockImageModel implements ImageModel {
  constructor(private readonly client: BedrockRuntimeClient) {}

  async generate(call: ImageCall): Promise<ImageResult> {
    const imageGenerationConfig = {
      numberOfImages: 1,
      ...(call.width !== undefined ? { width: call.width } : {}),
      ...(call.height !== undefined ? { height: call.height } : {}),
      ...(call.seed !== undefined ? { seed: call.seed } : {}),
      ...(call.cfgScale !== undefined ? { cfgScale: call.cfgScale } : {}),
      ...(call.quality !== undefined ? { quality: call.quality } : {}),
    };
    const body = {
      taskType: 'TEXT_IMAGE',
      textToImageParams: { text: call.prompt, ...(call.negativePrompt ? { negativeText: call.negativePrompt } : {}) },
      imageGenerationConfig,
    };
    const parsed = await invokeModelJson(this.client, { modelId: call.upstreamModelId, body, signal: call.signal, what: 'an image body' }, imageResponseSchema);
    if (parsed.error) throw new GatewayError('upstream_invalid_request', `Bedrock did not make the image: ${parsed.error}`);
    const image = parsed.images?.[0];
    if (!image) throw new GatewayError('upstream_bad_response', 'Bedrock returned no image.');
    return { image };
  }
}
