import type { ChatEngine } from '../../engine/chat-engine.js';
import type { MediaEngine } from '../../engine/media-engine.js';
import type { EmbeddingModel } from '../../providers/embedding-model.js';
import type { ImageModel } from '../../providers/image-model.js';
import type { MediaModels } from '../../routing/media-models.js';
import type { ModelRegistry } from '../../routing/model-registry.js';

/** What the Bedrock proxy routes need from the gateway. */
export interface BedrockSurface {
  engine: ChatEngine;
  registry: ModelRegistry;
  embeddings: MediaModels<EmbeddingModel>;
  images: MediaModels<ImageModel>;
  /** Embedding and image calls: admitted, time-limited and accounted like chat. */
  media: MediaEngine;
  /** Whether a provider name is a Bedrock runtime provider (the converse-stream route serves only those). */
  isBedrockProvider(name: string): boolean;
  heartbeatIntervalMs: number;
}
