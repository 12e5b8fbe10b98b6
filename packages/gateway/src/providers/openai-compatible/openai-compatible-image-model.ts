import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import type { ImageCall, ImageModel, ImageResult } from '../image-model.js';
import { parseJson } from '../parse-json.js';
import { openAiCompatibleError } from './openai-compatible-error.js';
import { postJson, readText, type OpenAiCompatibleServer } from './openai-compatible-http.js';

const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

const imagesSchema = z.object({ data: z.array(z.object({ b64_json: z.string().min(1) }).passthrough()).min(1) }).passthrough();

/**
 * Text-to-image on an OpenAI-compatible server (`POST /images/generations`), asked for base64 so that
 * the gateway never hands out an upstream's short-lived URLs. The size goes as `WIDTHxHEIGHT`; options
 * OpenAI's API has no field for (negative prompt, seed, cfg scale) are not sent.
 */
export class OpenAiCompatibleImageModel implements ImageModel {
  constructor(private readonly server: OpenAiCompatibleServer) {}

  async generate(call: ImageCall): Promise<ImageResult> {
    const size = call.width !== undefined && call.height !== undefined ? `${call.width}x${call.height}` : undefined;
    const response = await postJson(
      this.server,
      '/images/generations',
      { model: call.upstreamModelId, prompt: call.prompt, n: 1, response_format: 'b64_json', ...(size ? { size } : {}) },
      call.signal,
    );
    let text: string;
    try {
      text = await readText(response, MAX_IMAGE_BYTES);
    } catch (error) {
      throw openAiCompatibleError(error, this.server.name);
    }
    const parsed = parseJson(text, imagesSchema);
    if (!parsed.success) throw new GatewayError('upstream_bad_response', `${this.server.name} sent an images body that is ${parsed.error}.`);
    return { image: parsed.data.data[0]!.b64_json };
  }
}
