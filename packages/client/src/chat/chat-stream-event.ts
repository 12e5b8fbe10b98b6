import type { DeltaEvent, DoneEvent, StartEvent, TraceEvent } from '@streamgate/protocol';
import type { StreamGateError, StreamGateErrorCode } from '../errors/streamgate-error.js';

/**
 * The end of a stream that did not complete: the gateway's `error` event, a transport failure, or a
 * cancellation (`code: 'cancelled'`). `error` is the same failure as a throwable StreamGateError.
 */
export interface StreamErrorEvent {
  type: 'error';
  code: StreamGateErrorCode;
  message: string;
  retryable: boolean;
  error: StreamGateError;
}

/**
 * The connection broke mid-stream and the client picked the reply up again where it left off: what
 * follows continues the text, with nothing repeated and nothing missing. An app may show it
 * ("connection lost, resumed"); the text needs no repair.
 */
export interface ResumedEvent {
  type: 'resumed';
  /** The transport that was resumed (REST is never: its reply arrives whole). */
  transport: 'sse' | 'websocket';
  /**
   * Events the gateway had retained while the client was away, sent now before the live ones, when
   * the gateway says (SSE: its `x-replayed-events` header); `null` when it does not.
   */
  replayed: number | null;
}

/**
 * What a chat stream yields, whatever the transport: one `start`, any number of `delta` and `trace`
 * (and `resumed` after a connection was lost and picked up again), then exactly one `done` or `error`.
 */
export type ChatStreamEvent = StartEvent | DeltaEvent | TraceEvent | ResumedEvent | DoneEvent | StreamErrorEvent;
