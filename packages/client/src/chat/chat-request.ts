import type { ChatRequestBody } from '@streamgate/protocol';

/** How a request travels: a WebSocket shared by many requests, Server-Sent Events, or one blocking POST. */
export type Transport = 'websocket' | 'sse' | 'rest';

/** Knobs for the gateway's built-in `simulator` model (other models ignore them). */
export interface SimulateOptions {
  /** Time to first token, in milliseconds. */
  ttftMs?: number;
  /** Pace of the reply; 0 streams as fast as the client reads. */
  tokensPerSecond?: number;
  /** Length of the reply, in tokens. */
  outputTokens?: number;
  /** Fail with `upstream_error` after this many tokens. */
  failAfterTokens?: number;
}

/** One chat message to send. Without `sessionId` the gateway starts a new session. */
export interface ChatRequest {
  message: string;
  sessionId?: string;
  model?: string;
  system?: string;
  maxTokens?: number;
  temperature?: number;
  simulate?: SimulateOptions;
  /**
   * The request's id (1-128 of A-Z, a-z, 0-9, `-`, `_`); generated when absent. It names the
   * request in the gateway's logs, usage records and session history.
   */
  requestId?: string;
}

/** Options every call accepts. */
export interface CallOptions {
  /** Aborting it cancels the request: the gateway stops the model call at once. */
  signal?: AbortSignal;
}

/** The request as the gateway's JSON body (snake_case), leaving out what is not set. */
export function toWireBody(request: ChatRequest): ChatRequestBody {
  const body: ChatRequestBody = { message: request.message };
  if (request.sessionId !== undefined) body.session_id = request.sessionId;
  if (request.model !== undefined) body.model = request.model;
  if (request.system !== undefined) body.system = request.system;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  const simulate = request.simulate;
  if (simulate !== undefined) {
    body.simulate = {};
    if (simulate.ttftMs !== undefined) body.simulate.ttft_ms = simulate.ttftMs;
    if (simulate.tokensPerSecond !== undefined) body.simulate.tokens_per_second = simulate.tokensPerSecond;
    if (simulate.outputTokens !== undefined) body.simulate.output_tokens = simulate.outputTokens;
    if (simulate.failAfterTokens !== undefined) body.simulate.fail_after_tokens = simulate.failAfterTokens;
  }
  return body;
}
