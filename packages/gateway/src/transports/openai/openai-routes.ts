import type { FastifyInstance } from 'fastify';
import { registerChatCompletionsRoute } from './chat-completions-route.js';
import { registerOpenAiEmbeddingsRoute } from './embeddings-route.js';
import { registerOpenAiImagesRoute } from './images-route.js';
import { registerModelsRoutes } from './models-route.js';
import { openAiErrorHandler } from './openai-error.js';
import type { OpenAiSurface } from './openai-surface.js';
import { registerResponsesRetrieveRoutes } from './responses-retrieve-route.js';
import { registerResponsesRoute } from './responses-route.js';

/**
 * The OpenAI-compatible surface: chat completions, responses, models, embeddings, image generation. The same
 * keys, limits, sessions and usage records as the native routes; errors in OpenAI's shape, which is
 * why the routes live in a plugin of their own with its own error handler.
 */
export async function registerOpenAiRoutes(app: FastifyInstance, surface: OpenAiSurface): Promise<void> {
  await app.register(async function openAiCompatibleApi(scope) {
    scope.setErrorHandler(openAiErrorHandler);
    registerChatCompletionsRoute(scope, surface);
    registerResponsesRoute(scope, surface);
    registerResponsesRetrieveRoutes(scope, surface);
    registerModelsRoutes(scope, surface);
    registerOpenAiEmbeddingsRoute(scope, surface);
    registerOpenAiImagesRoute(scope, surface);
  });
}
