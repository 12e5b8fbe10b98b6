import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import type { EmbeddingResult } from '../../providers/embedding-model.js';
import { runMediaCall } from '../media-call.js';
import { openAiErrorResponseSchema } from './openai-schemas.js';
import type { OpenAiSurface } from './openai-surface.js';

const MAX_INPUTS = 2048;
/** Texts embedded at once for one request: enough to overlap round trips, few enough not to flood an upstream. */
const CONCURRENCY = 4;

const text = z.string().min(1, 'input must not be empty').max(50_000, 'an input is at most 50,000 characters');

const bodySchema = z.looseObject({
  input: z.union([text, z.array(text).min(1).max(MAX_INPUTS), z.array(z.number()), z.array(z.array(z.number()))]),
  model: z.string().min(1).max(256).optional().describe('An embedding model id or alias (default: the first configured)'),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).max(65_536).optional(),
  user: z.string().max(256).optional(),
}).meta({ example: { model: 'titan-embed-text-v2', input: 'hello world' } });

const responseSchema = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ object: z.literal('embedding'), index: z.number().int(), embedding: z.union([z.array(z.number()), z.string()]) })),
  model: z.string(),
  usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
});

/** The texts of an `input`; token arrays are refused (the gateway's models take text). */
function textsOf(input: z.infer<typeof bodySchema>['input']): string[] {
  if (typeof input === 'string') return [input];
  if (input.every((item): item is string => typeof item === 'string')) return input;
  throw new GatewayError('invalid_request', 'input must be a string or an array of strings; token arrays are not supported.', {
    details: [{ path: 'body.input', message: 'token arrays are not supported' }],
  });
}

/** Float32 little-endian bytes in base64, as OpenAI's `encoding_format: "base64"` (the openai SDK's default). */
function base64Floats(embedding: readonly number[]): string {
  return Buffer.from(Float32Array.from(embedding).buffer).toString('base64');
}

/** Runs `task` on every item, at most `limit` at a time, keeping the order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** `POST /v1/embeddings`: one text or many, over the gateway's embedding models, one usage record per request. */
export function registerOpenAiEmbeddingsRoute(app: FastifyInstance, surface: OpenAiSurface): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/embeddings',
    {
      schema: {
        summary: 'Embeddings (OpenAI-compatible)',
        tags: ['openai'],
        body: bodySchema,
        response: { 200: responseSchema, '4XX': openAiErrorResponseSchema, '5XX': openAiErrorResponseSchema },
      },
    },
    async function createEmbeddings(request, reply) {
      const body = request.body;
      const texts = textsOf(body.input);
      const entry = surface.embeddings.resolve(body.model);
      const results = await runMediaCall(
        request,
        reply,
        surface.media,
        { entry, requestedModel: body.model, transport: 'openai' },
        async (signal) => {
          const embedded: EmbeddingResult[] = await mapBounded(texts, CONCURRENCY, (input) =>
            entry.model.embed({ upstreamModelId: entry.upstreamModelId, text: input, ...(body.dimensions !== undefined ? { dimensions: body.dimensions } : {}), signal }),
          );
          return { result: embedded, inputTokens: embedded.reduce((sum, result) => sum + result.inputTokens, 0) };
        },
      );
      const promptTokens = results.reduce((sum, result) => sum + result.inputTokens, 0);
      return {
        object: 'list' as const,
        data: results.map((result, index) => ({
          object: 'embedding' as const,
          index,
          embedding: body.encoding_format === 'base64' ? base64Floats(result.embedding) : result.embedding,
        })),
        model: entry.id,
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      };
    },
  );
}
