import type { ErrorCode } from './error-code.js';
import type { StopReason } from './stream-event.js';
import type { WireMetrics, WireUsage } from './sse-event.js';

/** Frames the server sends. Frames that belong to a request carry `request_id` and a per-request `seq`. */
export type ServerFrame =
  | {
      event: 'connected';
      session_id?: string;
      connection_id: string;
      heartbeat_interval_ms: number;
      /** Requests (chats and resumes) the socket runs at once; more are refused with `too_many_requests_on_connection`. */
      max_concurrent_requests: number;
    }
  | { event: 'start'; request_id: string; seq: number; session_id: string; model: string; resume_token?: string }
  | { event: 'message'; request_id: string; seq: number; content: string }
  | { event: 'trace'; request_id: string; seq: number; data: unknown }
  | {
      event: 'done';
      request_id: string;
      seq: number;
      status: 'complete';
      stop_reason: StopReason;
      usage: WireUsage;
      metrics: WireMetrics;
    }
  | {
      event: 'error';
      request_id?: string;
      seq?: number;
      code: ErrorCode;
      message: string;
      retryable: boolean;
      /** With `rate_limited`: when a retry may succeed. */
      retry_after_ms?: number;
      details?: unknown;
    }
  /** Answers a `resume` frame before its events: how many were already there to replay. */
  | { event: 'resumed'; request_id: string; replayed: number }
  | { event: 'pong'; timestamp: number };

export type ServerFrameEvent = ServerFrame['event'];
