import { ConfigError } from '../config.js';
import { createAgentCoreProvider } from '../providers/agentcore/agentcore-provider.js';
import type { AwsSettings } from '../providers/aws/aws-settings.js';
import { createBedrockAgentsProvider } from '../providers/bedrock-agents/bedrock-agents-provider.js';
import { createBedrockProvider } from '../providers/bedrock/bedrock-provider.js';
import type { EmbeddingModel } from '../providers/embedding-model.js';
import type { ImageModel } from '../providers/image-model.js';
import { createOpenAiCompatibleProvider } from '../providers/openai-compatible/openai-compatible-provider.js';
import type { Provider } from '../providers/provider.js';
import type { SimulatorDefaults } from '../providers/simulator/simulator-chat-model.js';
import { createSimulatorProvider } from '../providers/simulator/simulator-provider.js';
import { MediaModels, type MediaModelEntry } from './media-models.js';
import type { ModelEntry } from './model-registry.js';
import type { ModelSpec, ProviderSpec } from './models-file.js';
import { RoutedChatModel, type RouteLogger, type RoutePolicy, type RouteTarget } from './routed-chat-model.js';
import type { UpstreamConfig } from './upstream-config.js';

/** A provider that is not running, and why (shown on `/ready`). */
export interface DisabledProvider {
  name: string;
  type: string;
  reason: string;
}

export interface BuiltModels {
  providers: Provider[];
  disabled: DisabledProvider[];
  chat: ModelEntry[];
  embeddings: MediaModels<EmbeddingModel>;
  images: MediaModels<ImageModel>;
  defaultModel: string;
  /** Public model ids (chat, embedding, image) served by each provider, for `/ready`. */
  modelsByProvider: ReadonlyMap<string, string[]>;
  close(): Promise<void>;
}

/** Bedrock models every AWS-enabled gateway offers on the Bedrock routes, unless the models file uses their ids. */
const BEDROCK_EMBEDDING_DEFAULTS = [{ id: 'titan-embed-text-v2', upstream: 'amazon.titan-embed-text-v2:0' }];
const BEDROCK_IMAGE_DEFAULTS = [
  { id: 'titan-image-generator-v2', upstream: 'amazon.titan-image-generator-v2:0' },
  { id: 'nova-canvas', upstream: 'amazon.nova-canvas-v1:0' },
];
const AWS_TYPES = ['bedrock', 'bedrock-agents', 'agentcore'] as const;

/**
 * Providers and models from the upstream configuration: every model of the models file and the
 * environment becomes a RoutedChatModel (targets, retries, fallbacks, time limits), or an embedding
 * or image model. Any mistake (an unknown provider, a disabled one, a fallback that does not exist)
 * is a ConfigError naming it, at start-up rather than on the first request.
 */
export function buildModels(
  upstreams: UpstreamConfig,
  simulatorDefaults: SimulatorDefaults,
  options: { logger?: RouteLogger; random?: () => number } = {},
): BuiltModels {
  const problems: string[] = [];
  const providers = new Map<string, Provider>();
  const disabled: DisabledProvider[] = [];
  providers.set('simulator', createSimulatorProvider(simulatorDefaults));
  if (upstreams.aws) {
    providers.set('bedrock', createBedrockProvider({ aws: upstreams.aws }));
    providers.set('bedrock-agents', createBedrockAgentsProvider({ aws: upstreams.aws }));
    providers.set('agentcore', createAgentCoreProvider({ aws: upstreams.aws }));
  } else {
    for (const type of AWS_TYPES) disabled.push({ name: type, type, reason: upstreams.awsDisabledReason ?? 'Bedrock is disabled' });
  }
  for (const [name, spec] of Object.entries(upstreams.models.providers ?? {})) {
    if (providers.has(name) || disabled.some((entry) => entry.name === name)) {
      problems.push(`MODELS_FILE: providers.${name}: "${name}" is a built-in provider name; choose another`);
      continue;
    }
    const provider = makeProvider(name, spec, upstreams);
    if ('problem' in provider) {
      if (spec.type === 'openai-compatible') problems.push(provider.problem);
      else disabled.push({ name, type: spec.type, reason: provider.problem });
    } else providers.set(name, provider);
  }

  const modelsByProvider = new Map<string, string[]>();
  const note = (provider: string, id: string) => {
    const list = modelsByProvider.get(provider) ?? [];
    if (!list.includes(id)) list.push(id);
    modelsByProvider.set(provider, list);
  };
  const lookup = (spec: ModelSpec, providerName: string): Provider | undefined => {
    const provider = providers.get(providerName);
    if (provider) return provider;
    const off = disabled.find((entry) => entry.name === providerName);
    problems.push(
      off
        ? `model "${spec.id}" uses provider "${providerName}", which is disabled: ${off.reason}`
        : `model "${spec.id}" uses provider "${providerName}", which is not defined (built-in: ${[...providers.keys(), ...disabled.map((entry) => entry.name)].join(', ')}; others go under "providers" in the models file)`,
    );
    return undefined;
  };

  const routed = new Map<string, RoutedChatModel>();
  const chat: ModelEntry[] = [];
  const embeddingEntries: MediaModelEntry<EmbeddingModel>[] = [];
  const imageEntries: MediaModelEntry<ImageModel>[] = [];
  const policyOf = (spec: ModelSpec | undefined): RoutePolicy => ({
    retries: spec?.retries ?? upstreams.routing.retries,
    retryBaseMs: upstreams.routing.retryBaseMs,
    retryMaxMs: upstreams.routing.retryMaxMs,
    firstTokenTimeoutMs: spec?.timeouts?.firstTokenMs ?? upstreams.routing.firstTokenTimeoutMs,
    timeoutMs: spec?.timeouts?.totalMs ?? upstreams.routing.timeoutMs,
  });

  for (const spec of upstreams.models.models) {
    const kind = spec.kind ?? 'chat';
    if (kind !== 'chat') {
      const provider = lookup(spec, spec.provider!);
      if (!provider) continue;
      const make = kind === 'embedding' ? provider.embeddingModel : provider.imageModel;
      if (!make) {
        problems.push(`model "${spec.id}": provider "${provider.name}" (${provider.type}) has no ${kind} models`);
        continue;
      }
      const entry = {
        id: spec.id,
        ...(spec.aliases ? { aliases: spec.aliases } : {}),
        provider: provider.name,
        upstreamModelId: spec.upstream!,
        ...(spec.price ? { price: spec.price } : {}),
      };
      if (kind === 'embedding') embeddingEntries.push({ ...entry, model: provider.embeddingModel!(spec.upstream!) });
      else imageEntries.push({ ...entry, model: provider.imageModel!(spec.upstream!) });
      note(provider.name, spec.id);
      continue;
    }
    const targetSpecs = spec.targets ?? [{ provider: spec.provider!, upstream: spec.upstream! }];
    const targets: RouteTarget[] = [];
    for (const target of targetSpecs) {
      const provider = lookup(spec, target.provider);
      if (!provider) continue;
      try {
        const streaming = target.streaming ?? spec.streaming;
        const settings = { ...(streaming !== undefined ? { streaming } : {}), ...((target.options ?? spec.options) ? { options: target.options ?? spec.options } : {}) };
        targets.push({ provider, upstreamModelId: target.upstream, model: provider.chatModel(target.upstream, settings), weight: target.weight ?? 1 });
        note(provider.name, spec.id);
      } catch (error) {
        problems.push(`model "${spec.id}": ${(error as Error).message}`);
      }
    }
    if (targets.length !== targetSpecs.length) continue;
    const model = new RoutedChatModel(spec.id, targets, policyOf(spec), { ...options, ...(spec.price ? { price: spec.price } : {}) });
    const primary = targets.reduce((best, target) => (target.weight > best.weight ? target : best));
    routed.set(spec.id, model);
    for (const alias of spec.aliases ?? []) routed.set(alias, model);
    chat.push({
      id: spec.id,
      ...(spec.aliases ? { aliases: spec.aliases } : {}),
      provider: primary.provider.name,
      upstreamModelId: primary.upstreamModelId,
      model,
      ...(spec.price ? { price: spec.price } : {}),
    });
  }

  const simulator = providers.get('simulator')!;
  if (!chat.some((entry) => entry.id === 'simulator' || entry.aliases?.includes('simulator'))) {
    chat.unshift({ id: 'simulator', provider: 'simulator', upstreamModelId: 'simulator', model: simulator.chatModel('simulator') });
    note('simulator', 'simulator');
  }
  const fallbackTarget = (id: string): RoutedChatModel | undefined => {
    if (routed.has(id)) return routed.get(id);
    if (id !== 'simulator') return undefined;
    const model = new RoutedChatModel('simulator', [{ provider: simulator, upstreamModelId: 'simulator', model: simulator.chatModel('simulator'), weight: 1 }], { ...policyOf(undefined), retries: 0 }, options);
    routed.set('simulator', model);
    return model;
  };
  for (const spec of upstreams.models.models) {
    if (!spec.fallbacks) continue;
    const model = routed.get(spec.id);
    if (!model) continue;
    const fallbacks: RoutedChatModel[] = [];
    for (const id of spec.fallbacks) {
      const fallback = fallbackTarget(id);
      if (!fallback) problems.push(`model "${spec.id}": fallback "${id}" is not a chat model`);
      else if (fallback === model) problems.push(`model "${spec.id}": a model cannot be its own fallback`);
      else fallbacks.push(fallback);
    }
    model.setFallbacks(fallbacks);
  }

  if (upstreams.aws) {
    const bedrock = providers.get('bedrock')!;
    const taken = new Set(upstreams.models.models.flatMap((spec) => [spec.id, ...(spec.aliases ?? [])]));
    for (const { id, upstream } of BEDROCK_EMBEDDING_DEFAULTS) {
      if (taken.has(id)) continue;
      embeddingEntries.push({ id, provider: 'bedrock', upstreamModelId: upstream, model: bedrock.embeddingModel!(upstream) });
      note('bedrock', id);
    }
    for (const { id, upstream } of BEDROCK_IMAGE_DEFAULTS) {
      if (taken.has(id)) continue;
      imageEntries.push({ id, provider: 'bedrock', upstreamModelId: upstream, model: bedrock.imageModel!(upstream) });
      note('bedrock', id);
    }
  }

  const defaultModel = upstreams.defaultModel ?? 'simulator';
  if (!chat.some((entry) => entry.id === defaultModel || entry.aliases?.includes(defaultModel))) {
    problems.push(`DEFAULT_MODEL: "${defaultModel}" is not a chat model (chat models: ${chat.map((entry) => entry.id).join(', ')})`);
  }
  let embeddings: MediaModels<EmbeddingModel> | undefined;
  let images: MediaModels<ImageModel> | undefined;
  try {
    embeddings = new MediaModels('embedding', embeddingEntries);
    images = new MediaModels('image', imageEntries);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const chatNames = new Set<string>();
  for (const entry of chat) {
    for (const name of [entry.id, ...(entry.aliases ?? [])]) {
      if (chatNames.has(name)) problems.push(`the model id or alias "${name}" is used twice`);
      chatNames.add(name);
    }
  }

  const all = [...providers.values()];
  const close = async () => {
    await Promise.all(all.map((provider) => provider.close()));
  };
  if (problems.length > 0) {
    void close();
    throw new ConfigError(problems);
  }
  return { providers: all, disabled, chat, embeddings: embeddings!, images: images!, defaultModel, modelsByProvider, close };
}

function makeProvider(name: string, spec: ProviderSpec, upstreams: UpstreamConfig): Provider | { problem: string } {
  if (spec.type === 'openai-compatible') {
    const apiKey = spec.apiKey ?? (spec.apiKeyEnv ? upstreams.secrets[spec.apiKeyEnv] : undefined);
    return createOpenAiCompatibleProvider({ name, baseUrl: spec.baseUrl, ...(apiKey ? { apiKey } : {}), ...(spec.headers ? { headers: spec.headers } : {}) });
  }
  if (!upstreams.aws) return { problem: upstreams.awsDisabledReason ?? 'Bedrock is disabled' };
  const endpointKey = spec.type === 'bedrock' ? 'bedrockRuntime' : spec.type === 'bedrock-agents' ? 'bedrockAgentRuntime' : 'bedrockAgentCore';
  const aws: AwsSettings = {
    ...upstreams.aws,
    ...(spec.region ? { region: spec.region } : {}),
    endpoints: { ...upstreams.aws.endpoints, ...(spec.endpoint ? { [endpointKey]: spec.endpoint } : {}) },
  };
  if (spec.type === 'bedrock') return createBedrockProvider({ name, aws });
  if (spec.type === 'bedrock-agents') return createBedrockAgentsProvider({ name, aws });
  return createAgentCoreProvider({ name, aws });
}
