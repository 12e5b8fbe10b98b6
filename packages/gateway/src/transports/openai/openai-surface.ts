import type { ChatEngine } from '../../engine/chat-engine.js';
import type { MediaEngine } from '../../engine/media-engine.js';
import type { StreamRuns } from '../../engine/stream-runs.js';
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
  /** Embedding and image calls: admitted, time-limited and accounted like chat. */
  media: MediaEngine;
  /** The Responses API's runs: retained, resumable, cancellable, in the background if asked. */
  runs: StreamRuns;
  heartbeatIntervalMs: number;
}
