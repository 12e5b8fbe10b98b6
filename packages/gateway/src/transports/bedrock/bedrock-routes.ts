import type { FastifyInstance } from 'fastify';
import type { BedrockSurface } from './bedrock-surface.js';
import { registerConverseStreamRoute } from './converse-stream-route.js';
import { registerEmbeddingsRoute } from './embeddings-route.js';
import { registerImagesRoute } from './images-route.js';

/** The Bedrock proxy surface: converse-stream (SSE), images, text embeddings. Every route needs a key. */
export function registerBedrockRoutes(app: FastifyInstance, surface: BedrockSurface): void {
  registerConverseStreamRoute(app, surface);
  registerImagesRoute(app, surface);
  registerEmbeddingsRoute(app, surface);
}
