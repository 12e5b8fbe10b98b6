/**
 * Server-Sent Events on `POST /v1/chat/stream`. Every event carries `id: <request_id>:<seq>`,
 * so that a client can resume after `Last-Event-ID`.
 */
export const SSE_EVENTS = {
  start: 'start',
  message: 'message',
  trace: 'trace',
  done: 'done',
  error: 'error',
} as const;

export type SseEventName = (typeof SSE_EVENTS)[keyof typeof SSE_EVENTS];

export interface SseStartData {
  request_id: string;
  session_id: string;
  model: string;
  /** To the client that started the stream only: resumes it without a key (for `EventSource`). */
  resume_token?: string;
}

export interface SseMessageData {
  content: string;
}

export interface SseTraceData {
  data: unknown;
}

export interface SseDoneData {
  status: 'complete';
  stop_reason: import('./stream-event.js').StopReason;
  usage: WireUsage;
  metrics: WireMetrics;
}

export interface SseErrorData {
  code: import('./error-code.js').ErrorCode;
  message: string;
  retryable: boolean;
}

/** Usage as it appears on the wire (snake_case). */
export interface WireUsage {
  input_tokens: number;
  output_tokens: number;
}

/** Metrics as they appear on the wire (snake_case). */
export interface WireMetrics {
  ttft_ms: number | null;
  total_ms: number;
  output_tokens_per_second: number;
}
