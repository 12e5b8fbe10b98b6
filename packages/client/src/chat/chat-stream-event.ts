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
 * What a chat stream yields, whatever the transport: one `start`, any number of `delta` and `trace`,
 * then exactly one `done` or `error`.
 */
export type ChatStreamEvent = StartEvent | DeltaEvent | TraceEvent | DoneEvent | StreamErrorEvent;
