import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import { openAiErrorResponseSchema } from './openai-schemas.js';
import type { OpenAiSurface } from './openai-surface.js';

const modelSchema = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string().describe('The provider that serves it'),
  kind: z.enum(['chat', 'embedding', 'image']).describe('A StreamGate extension: which routes the model serves'),
});
type OpenAiModel = z.infer<typeof modelSchema>;

/** Every chat, embedding and image model, once each, as OpenAI lists models. */
function listModels(surface: OpenAiSurface, created: number): OpenAiModel[] {
  const seen = new Set<string>();
  const models: OpenAiModel[] = [];
  const kinds = [
    ['chat', surface.registry.list()],
    ['embedding', surface.embeddings.list()],
    ['image', surface.images.list()],
  ] as const;
  for (const [kind, entries] of kinds) {
    for (const entry of entries) {
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      models.push({ id: entry.id, object: 'model', created, owned_by: entry.provider, kind });
    }
  }
  return models;
}

/** `GET /v1/models` and `GET /v1/models/{model}`: the gateway's models (not the upstreams' own lists). */
export function registerModelsRoutes(app: FastifyInstance, surface: OpenAiSurface): void {
  const created = Math.floor(Date.now() / 1000);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/v1/models',
    {
      schema: {
        summary: 'List models (OpenAI-compatible)',
        tags: ['openai'],
        response: { 200: z.object({ object: z.literal('list'), data: z.array(modelSchema) }), '4XX': openAiErrorResponseSchema },
      },
    },
    async function listOpenAiModels() {
      return { object: 'list' as const, data: listModels(surface, created) };
    },
  );
  // A wildcard, since model ids may hold "/" (meta-llama/Llama-3.1-8B-Instruct).
  typed.get(
    '/v1/models/*',
    {
      schema: {
        summary: 'Retrieve a model (OpenAI-compatible)',
        tags: ['openai'],
        params: z.object({ '*': z.string() }),
        response: { 200: modelSchema, '4XX': openAiErrorResponseSchema },
      },
    },
    async function retrieveOpenAiModel(request) {
      const id = request.params['*'];
      const model = listModels(surface, created).find((candidate) => candidate.id === id);
      if (!model) throw new GatewayError('model_not_found', `The model "${id}" does not exist.`);
      return model;
    },
  );
}
