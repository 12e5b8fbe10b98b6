import { errorFromResponse, fetchFromGateway, isRecord } from './gateway-error.js';

/** A chat model the gateway serves, and the provider behind it. */
export interface ModelOption {
  id: string;
  provider: string;
  /** The provider's type: `simulator`, `bedrock`, `openai-compatible`... */
  providerType: string;
}

/**
 * The models the gateway serves, from `GET /ready` (no key needed): every provider that is not
 * disabled, with its models. The gateway has no model list endpoint of its own yet; the OpenAI
 * surface's `GET /v1/models` will replace this once it lands.
 */
export async function loadModels(baseUrl: string, signal?: AbortSignal, fetchFunction?: typeof fetch): Promise<ModelOption[]> {
  const response = await fetchFromGateway(`${baseUrl}/ready`, { cache: 'no-store', ...(signal ? { signal } : {}) }, fetchFunction);
  // 503 (not ready, draining) still lists the providers; anything else without a body is an error.
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  if (!isRecord(body) || !isRecord(body.providers)) throw await errorFromResponse(response);
  return modelsOf(body.providers);
}

/** The models of every provider that is not disabled, in the order the gateway lists them. */
export function modelsOf(providers: Record<string, unknown>): ModelOption[] {
  const models: ModelOption[] = [];
  for (const [provider, state] of Object.entries(providers)) {
    if (!isRecord(state) || state.status === 'disabled' || !Array.isArray(state.models)) continue;
    const providerType = typeof state.type === 'string' ? state.type : provider;
    for (const id of state.models) if (typeof id === 'string') models.push({ id, provider, providerType });
  }
  return models;
}
