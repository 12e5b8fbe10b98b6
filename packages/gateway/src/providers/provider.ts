import type { ChatModel } from './chat-model.js';
import type { EmbeddingModel } from './embedding-model.js';
import type { ImageModel } from './image-model.js';
import type { ProviderHealth } from './provider-health.js';

/** What `/ready` says about a provider: `disabled` when it is not configured, with the reason in `message`. */
export type ProviderStatus = 'ok' | 'degraded' | 'error' | 'disabled';

export interface ProviderState {
  status: ProviderStatus;
  message?: string;
}

/** Options every chat model of a provider accepts from the model registry. */
export interface ChatModelSettings {
  /** false: ask the upstream for the whole reply at once (Converse, `stream: false`) and emit it as one delta. */
  streaming?: boolean;
  /** Provider-specific settings from the models file (an agent alias, a runtime qualifier, ...). */
  options?: Readonly<Record<string, unknown>>;
}

/**
 * One configured upstream (an AWS account and region, an OpenAI-compatible server): it makes the
 * models the registry names, reports its state on `/ready` and closes its connections on shutdown.
 */
export interface Provider {
  /** The name models refer to (`bedrock`, `local-vllm`, ...). */
  readonly name: string;
  /** The kind of upstream (`bedrock`, `bedrock-agents`, `agentcore`, `openai-compatible`, `simulator`). */
  readonly type: string;
  /** Recent outcomes of calls, fed by the router. */
  readonly health: ProviderHealth;
  chatModel(upstreamModelId: string, settings?: ChatModelSettings): ChatModel;
  embeddingModel?(upstreamModelId: string): EmbeddingModel;
  imageModel?(upstreamModelId: string): ImageModel;
  /** Whether the provider can serve now (credentials resolve, the server answers); cheap and cached. */
  check(): Promise<ProviderState>;
  close(): Promise<void>;
}
