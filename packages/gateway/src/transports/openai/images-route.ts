import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runMediaCall } from '../media-call.js';
import { openAiErrorResponseSchema } from './openai-schemas.js';
import type { OpenAiSurface } from './openai-surface.js';

const bodySchema = z.looseObject({
  prompt: z.string().min(1, 'prompt must not be empty').max(32_000),
  model: z.string().min(1).max(256).optional().describe('An image model id or alias (default: the first configured)'),
  n: z.number().int().min(1).max(4).optional(),
  size: z
    .string()
    .regex(/^(auto|\d{2,5}x\d{2,5})$/, 'size is WIDTHxHEIGHT, such as 1024x1024, or auto')
    .optional(),
  quality: z.enum(['standard', 'hd', 'low', 'medium', 'high', 'auto']).optional(),
  response_format: z.enum(['b64_json', 'url']).optional(),
  style: z.string().optional(),
  user: z.string().max(256).optional(),
}).meta({ example: { model: 'titan-image-generator-v2', prompt: 'A lighthouse at dawn, watercolour', size: '512x512' } });

const responseSchema = z.object({
  created: z.number().int(),
  data: z.array(z.object({ b64_json: z.string().optional(), url: z.string().optional() })),
});

/**
 * `POST /v1/images/generations`: `n` images from the gateway's image models, as base64 PNG
 * (`b64_json`, the default) or as a `data:` URL for `response_format: "url"`: the gateway keeps no
 * images, so it has no https URL to give.
 */
export function registerOpenAiImagesRoute(app: FastifyInstance, surface: OpenAiSurface): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/images/generations',
    {
      schema: {
        summary: 'Image generation (OpenAI-compatible)',
        tags: ['openai'],
        body: bodySchema,
        response: { 200: responseSchema, '4XX': openAiErrorResponseSchema, '5XX': openAiErrorResponseSchema },
      },
    },
    async function generateImages(request, reply) {
      const body = request.body;
      const entry = surface.images.resolve(body.model);
      const [width, height] = body.size && body.size !== 'auto' ? body.size.split('x').map(Number) : [];
      const quality = body.quality === 'hd' || body.quality === 'high' ? 'premium' : body.quality === undefined || body.quality === 'auto' ? undefined : 'standard';
      const images = await runMediaCall(
        request,
        reply,
        surface.media,
        { entry, requestedModel: body.model, transport: 'openai' },
        async (signal) => ({
          result: await Promise.all(
            Array.from({ length: body.n ?? 1 }, () =>
              entry.model.generate({
                upstreamModelId: entry.upstreamModelId,
                prompt: body.prompt,
                ...(width !== undefined && height !== undefined ? { width, height } : {}),
                ...(quality ? { quality } : {}),
                signal,
              }),
            ),
          ),
          inputTokens: 0,
        }),
      );
      return {
        created: Math.floor(Date.now() / 1000),
        data: images.map((result) => (body.response_format === 'url' ? { url: `data:image/png;base64,${result.image}` } : { b64_json: result.image })),
      };
    },
  );
}
