/** Token counts reported for one request. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** Timings measured by the gateway for one request, from the moment it was admitted. */
export interface StreamMetrics {
  /** Time to the first text delta, in milliseconds; null when no text was produced. */
  ttftMs: number | null;
  totalMs: number;
  outputTokensPerSecond: number;
}

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'content_filtered';

export interface StartEvent {
  type: 'start';
  requestId: string;
  model: string;
  sessionId: string;
  /**
   * Given to the client that started the request only: resumes this one stream without a key
   * (`GET /v1/chat/stream/{request_id}?resume_token=`), for a browser's `EventSource`.
   */
  resumeToken?: string;
}

export interface DeltaEvent {
  type: 'delta';
  text: string;
}

/** An agent step (a tool call, a retrieval, a rationale): opaque data from the provider. */
export interface TraceEvent {
  type: 'trace';
  data: unknown;
}

export interface DoneEvent {
  type: 'done';
  stopReason: StopReason;
  usage: Usage;
  metrics: StreamMetrics;
}

export interface ErrorEvent {
  type: 'error';
  code: import('./error-code.js').ErrorCode;
  message: string;
  retryable: boolean;
  /** With `rate_limited`: how long to wait before a retry may succeed, in milliseconds. */
  retryAfterMs?: number;
}

/**
 * What the engine yields for one request: one `start`, any number of `delta` and `trace`,
 * then exactly one `done` or `error`.
 */
export type StreamEvent = StartEvent | DeltaEvent | TraceEvent | DoneEvent | ErrorEvent;
