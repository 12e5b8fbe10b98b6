import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponseSchema } from '../schemas.js';
import type { BedrockSurface } from './bedrock-surface.js';
import { runMediaCall } from '../media-call.js';

/** Sizes Titan Image Generator and Nova Canvas accept: multiples of 16 from 320 to 4096 pixels. */
const side = z.number().int().min(320).max(4096).multipleOf(16);

const bodySchema = z
  .object({
    prompt: z.string().min(1, 'prompt must not be empty').max(1024, 'prompt must be at most 1,024 characters'),
    model: z.string().min(1).max(256).optional().describe('An image model id (default: titan-image-generator-v2; nova-canvas is also offered)'),
    negative_prompt: z.string().min(3).max(1024).optional(),
    width: side.optional(),
    height: side.optional(),
    seed: z.number().int().min(0).max(2_147_483_646).optional(),
    cfg_scale: z.number().min(1.1).max(10).optional(),
    quality: z.enum(['standard', 'premium']).optional(),
  })
  .strict()
  .meta({ example: { prompt: 'A lighthouse at dawn, watercolour', width: 512, height: 512 } });

const responseSchema = z.object({ image: z.string().describe('Base64-encoded PNG'), model: z.string() });

/** `POST /api/v1/bedrock/images/generate`: a prompt -> `{image}` (base64 PNG) from Titan Image Generator or Nova Canvas. */
export function registerImagesRoute(app: FastifyInstance, surface: BedrockSurface): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/bedrock/images/generate',
    {
      schema: {
        summary: 'Generate an image',
        tags: ['bedrock'],
        body: bodySchema,
        response: { 200: responseSchema, '4XX': errorResponseSchema, '5XX': errorResponseSchema },
      },
    },
    async function generateImage(request, reply) {
      const entry = surface.images.resolve(request.body.model);
      const body = request.body;
      const result = await runMediaCall(
        request,
        reply,
        surface.media,
        { entry, requestedModel: request.body.model, transport: 'rest' },
        async (signal) => ({
          result: await entry.model.generate({
            upstreamModelId: entry.upstreamModelId,
            prompt: body.prompt,
            ...(body.negative_prompt ? { negativePrompt: body.negative_prompt } : {}),
            ...(body.width !== undefined ? { width: body.width } : {}),
            ...(body.height !== undefined ? { height: body.height } : {}),
            ...(body.seed !== undefined ? { seed: body.seed } : {}),
            ...(body.cfg_scale !== undefined ? { cfgScale: body.cfg_scale } : {}),
            ...(body.quality ? { quality: body.quality } : {}),
            signal,
          }),
          inputTokens: 0,
        }),
      );
      return { image: result.image, model: entry.id };
    },
  );
}
