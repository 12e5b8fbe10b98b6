import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponseSchema } from '../schemas.js';
import type { BedrockSurface } from './bedrock-surface.js';
import { runMediaCall } from '../media-call.js';

const bodySchema = z
  .object({
    text: z.string().min(1, 'text must not be empty').max(50_000, 'text must be at most 50,000 characters'),
    model: z.string().min(1).max(256).optional().describe('An embedding model id (default: the first configured, titan-embed-text-v2 on Bedrock)'),
    dimensions: z.union([z.literal(256), z.literal(512), z.literal(1024)]).optional().describe('Titan Text Embeddings v2 output size'),
    normalize: z.boolean().optional(),
  })
  .strict()
  .meta({ example: { text: 'hello world', dimensions: 256 } });

const responseSchema = z.object({ embedding: z.array(z.number()), model: z.string(), input_tokens: z.number().int() });

/** `POST /api/v1/bedrock/embeddings/text`: one text -> `{embedding}` (Amazon Titan Text Embeddings v2 by default). */
export function registerEmbeddingsRoute(app: FastifyInstance, surface: BedrockSurface): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/bedrock/embeddings/text',
    {
      schema: {
        summary: 'Embed a text',
        tags: ['bedrock'],
        body: bodySchema,
        response: { 200: responseSchema, '4XX': errorResponseSchema, '5XX': errorResponseSchema },
      },
    },
    async function embedText(request, reply) {
      const entry = surface.embeddings.resolve(request.body.model);
      const body = request.body;
      const result = await runMediaCall(
        request,
        reply,
        surface.media,
        { entry, requestedModel: request.body.model, transport: 'rest' },
        async (signal) => {
          const embedded = await entry.model.embed({
            upstreamModelId: entry.upstreamModelId,
            text: body.text,
            ...(body.dimensions !== undefined ? { dimensions: body.dimensions } : {}),
            ...(body.normalize !== undefined ? { normalize: body.normalize } : {}),
            signal,
          });
          return { result: embedded, inputTokens: embedded.inputTokens };
        },
      );
      return { embedding: result.embedding, model: entry.id, input_tokens: result.inputTokens };
    },
  );
}
