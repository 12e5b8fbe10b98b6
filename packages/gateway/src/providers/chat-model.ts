import type { ModelPrice } from '../routing/model-registry.js';
import type { SimulateOptions, StopReason, Usage } from '@streamgate/protocol';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** What the engine asks of a model for one request. */
export interface ChatModelCall {
  /** The provider's own id for the model (after routing). */
  upstreamModelId: string;
  /** Earlier turns, oldest first, ending with the new user message. */
  messages: ChatMessage[];
  system?: string;
  maxTokens?: number;
  temperature?: number;
  simulate?: SimulateOptions;
  /** The gateway session: agents keep their own conversation memory under an id derived from it. */
  sessionId?: string;
  /** A stable, non-secret id of the caller (the API key's id), for upstreams that track end users. */
  userId?: string;
  /**
   * Options only one provider understands, keyed by provider type (`bedrock`, ...), set by a
   * provider-specific route such as `/api/v1/bedrock/converse-stream`. Each provider validates its own.
   */
  providerOptions?: Readonly<Record<string, unknown>>;
  /**
   * true: the caller wants the reply at once, not token by token (a non-streaming OpenAI request), so
   * a provider may ask its upstream for the whole reply and emit it as one delta. The router then
   * waits for the first part as long as for the whole reply.
   */
  whole?: boolean;
  /** Fired when the client goes away, cancels, or the gateway shuts down: stop at once. */
  signal: AbortSignal;
}

/** The parts a provider streams: text, agent traces, and one closing `finish`. */
export type ChatModelPart =
  /** From a router, before anything else: which upstream serves this call (a fallback, a split's target). */
  | { type: 'route'; model: string; provider: string; upstreamModelId: string; price?: ModelPrice }
  | { type: 'delta'; text: string }
  | { type: 'trace'; data: unknown }
  | { type: 'finish'; stopReason: StopReason; usage: Usage; upstreamLatencyMs?: number };

/**
 * A model behind the gateway. `stream` is pulled: a provider produces the next part only when
 * the engine asks for it, which is how a slow client slows the upstream instead of filling memory.
 * Failures are thrown as GatewayError (`upstream_error`, `upstream_timeout`, ...).
 */
export interface ChatModel {
  stream(call: ChatModelCall): AsyncIterable<ChatModelPart>;
}
