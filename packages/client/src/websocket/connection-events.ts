import type { StreamGateError } from '../errors/streamgate-error.js';
import type { SocketClose } from './close-reasons.js';

/**
 * `connecting` (first attempt), `open` (the gateway said `connected`: requests go out), `reconnecting`
 * (waiting or retrying after a drop), `closed` (for good).
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionStateChange {
  state: ConnectionState;
  previous: ConnectionState;
  /** Consecutive failed attempts so far. */
  attempt: number;
  /** For `reconnecting`: the wait before the next attempt. */
  delayMs?: number;
  /** Why the connection is reconnecting or closed, when it was a failure. */
  error?: StreamGateError;
}

/** A socket closed: its close code and reason, and whether the connection will reopen. */
export interface ConnectionClose extends SocketClose {
  willReconnect: boolean;
}

export interface ConnectionEvents {
  state: ConnectionStateChange;
  /** Every socket's close, including attempts that failed before they opened (code 1006). */
  close: ConnectionClose;
  /** Connection-level problems: the gateway's error frames without a request id, unreadable frames. */
  error: StreamGateError;
}
