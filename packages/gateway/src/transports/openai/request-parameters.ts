import { GatewayError } from '../../errors.js';
import type { ResolvedModel } from '../../routing/model-registry.js';
import { RoutedChatModel } from '../../routing/routed-chat-model.js';

/**
 * Which fields of a chat completions request reach which upstreams (docs/openai-compatibility.md has
 * the table). A field is never dropped silently: an OpenAI-compatible upstream gets every field as
 * sent; other providers get what maps onto them, and a request that asks them for anything else is
 * refused with `unsupported_parameter`, naming the field.
 */

/** What the gateway itself handles, for every model. */
const GATEWAY_FIELDS = new Set(['model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'n', 'session_id', 'simulate']);

/** What the gateway sets on the upstream request itself; the rest of the body passes to OpenAI-compatible upstreams. */
const NOT_PASSED = new Set(['model', 'messages', 'stream', 'stream_options', 'max_tokens', 'temperature', 'n', 'session_id', 'simulate']);

/** What Bedrock's Converse takes, by provider type: `top_p` and `stop` as its inference configuration, tools as its `toolConfig`. */
const MAPPED_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  bedrock: new Set(['top_p', 'stop', 'tools', 'tool_choice']),
};

/**
 * Values that ask for nothing beyond a plain reply, which any model gives: clients and SDKs send
 * some of them by default (LangChain sends `logprobs: false`, for instance), and refusing those
 * would break them for no reason.
 */
const NEUTRAL_VALUES: Readonly<Record<string, (value: unknown) => boolean>> = {
  logprobs: (value) => value === false,
  top_logprobs: (value) => value === 0,
  store: (value) => value === false,
  parallel_tool_calls: (value) => value === true,
  modalities: (value) => Array.isArray(value) && value.every((modality) => modality === 'text'),
  service_tier: (value) => value === 'auto' || value === 'default',
  metadata: (value) => typeof value === 'object' && value !== null && Object.keys(value).length === 0,
  presence_penalty: (value) => value === 0,
  frequency_penalty: (value) => value === 0,
  logit_bias: (value) => typeof value === 'object' && value !== null && Object.keys(value).length === 0,
  response_format: (value) => (value as { type?: unknown } | null)?.type === 'text',
  functions: (value) => Array.isArray(value) && value.length === 0,
  tools: (value) => Array.isArray(value) && value.length === 0,
  tool_choice: (value) => value === 'none' || value === 'auto',
  // Identifies the end user to the upstream's abuse monitoring; the gateway's own records carry the caller.
  user: () => true,
};

/** The kinds of upstream (`openai-compatible`, `bedrock`, ...) a resolved model may reach, fallbacks included. */
export function providerTypesOf(resolved: ResolvedModel): Set<string> {
  return resolved.model instanceof RoutedChatModel ? resolved.model.providerTypes() : new Set([resolved.provider]);
}

function asksForSomething(field: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  return !(NEUTRAL_VALUES[field]?.(value) ?? false);
}

/** Refuses a request that asks a model for a field that some upstream it may reach would not honour. */
export function checkParameters(body: Readonly<Record<string, unknown>>, resolved: ResolvedModel): void {
  const types = [...providerTypesOf(resolved)].filter((type) => type !== 'openai-compatible');
  if (types.length === 0) return;
  for (const [field, value] of Object.entries(body)) {
    if (GATEWAY_FIELDS.has(field) || !asksForSomething(field, value)) continue;
    const refusing = types.find((type) => !MAPPED_FIELDS[type]?.has(field));
    if (refusing === undefined) continue;
    throw new GatewayError(
      'unsupported_parameter',
      `Model "${resolved.id}" is served by a ${refusing} upstream, which does not support "${field}": leave it out, or use a model on an OpenAI-compatible server, which gets every field as sent.`,
      { details: { param: field, model: resolved.id, provider_type: refusing } },
    );
  }
}

/** The fields an OpenAI-compatible upstream gets as sent: all but those the gateway sets itself. */
export function passedParameters(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) if (!NOT_PASSED.has(field) && value != null) parameters[field] = value;
  return parameters;
}
