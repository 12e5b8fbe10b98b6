import type { ChatEngine } from '../../engine/chat-engine.js';
import type { UsageSink } from '../../engine/usage-record.js';
import type { EmbeddingModel } from '../../providers/embedding-model.js';
import type { ImageModel } from '../../providers/image-model.js';
import type { MediaModels } from '../../routing/media-models.js';
import type { ModelRegistry } from '../../routing/model-registry.js';

/** What the OpenAI-compatible routes need from the gateway. */
export interface OpenAiSurface {
  engine: ChatEngine;
  registry: ModelRegistry;
  embeddings: MediaModels<EmbeddingModel>;
  images: MediaModels<ImageModel>;
  usage: UsageSink;
  heartbeatIntervalMs: number;
  /** Longest an embedding or image call may take. */
  timeoutMs: number;
}
