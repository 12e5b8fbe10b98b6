import type { ErrorCode } from '@streamgate/protocol';

/**
 * Codes the client reports itself, for failures the gateway never had the chance to name:
 * - `network_error`: the gateway could not be reached (DNS, refused connection, CORS, offline).
 * - `connection_lost`: the stream or socket broke after the request was sent; what arrived is kept.
 * - `connection_failed`: a WebSocket could not be opened.
 * - `connection_closed`: the WebSocket connection is closed for good (`close()`, or a drop with reconnect off).
 * - `invalid_response`: the gateway answered with something that is not StreamGate's protocol.
 * - `http_error`: an HTTP error without a StreamGate error body (a proxy's error page, say).
 * - `timeout`: the request's signal timed out (`AbortSignal.timeout(...)`).
 */
export type ClientErrorCode =
  | 'network_error'
  | 'connection_lost'
  | 'connection_failed'
  | 'connection_closed'
  | 'invalid_response'
  | 'http_error'
  | 'timeout';

/**
 * Every code a {@link StreamGateError} may carry: the gateway's stable codes, the client's own, and
 * (as a plain string) codes that newer gateways may add.
 */
export type StreamGateErrorCode = ErrorCode | ClientErrorCode | (string & {});

export interface StreamGateErrorOptions {
  /** The HTTP status, when the error came from an HTTP response. */
  status?: number;
  /** Whether sending the same request again may succeed; by default decided from the code and status. */
  retryable?: boolean;
  /** How long the gateway asked the client to wait before retrying (from `Retry-After`). */
  retryAfterMs?: number;
  requestId?: string;
  details?: unknown;
  cause?: unknown;
}

const RETRYABLE_CODES = new Set<string>([
  'too_many_requests_on_connection',
  'rate_limited',
  'upstream_error',
  'upstream_timeout',
  'shutting_down',
  'internal_error',
  'network_error',
  'connection_lost',
  'connection_failed',
  'timeout',
]);

const RETRYABLE_STATUSES = new Set([408, 429, 502, 503, 504]);

/**
 * The one error type the client throws or reports: a stable `code` to switch on, the HTTP `status`
 * where there was one, whether a retry may help, and how long to wait first.
 *
 * @example
 * ```ts
 * try {
 *   await client.chat({ message: 'Hello' });
 * } catch (error) {
 *   if (error instanceof StreamGateError && error.code === 'unauthorized') askForKey();
 *   else if (error instanceof StreamGateError && error.retryable) retryIn(error.retryAfterMs ?? 1000);
 * }
 * ```
 */
export class StreamGateError extends Error {
  readonly code: StreamGateErrorCode;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly details: unknown;

  constructor(code: StreamGateErrorCode, message: string, options: StreamGateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StreamGateError';
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable ?? (RETRYABLE_CODES.has(code) || (options.status !== undefined && RETRYABLE_STATUSES.has(options.status)));
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
    this.details = options.details;
  }
}

/** The error for a request whose signal fired: `timeout` for `AbortSignal.timeout`, else `cancelled`. */
export function abortError(signal: AbortSignal | undefined, requestId: string): StreamGateError {
  const reason: unknown = signal?.reason;
  if (reason instanceof StreamGateError) return reason;
  if (typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError') {
    return new StreamGateError('timeout', 'The request timed out.', { requestId, cause: reason });
  }
  return new StreamGateError('cancelled', 'The request was cancelled.', { requestId, retryable: false });
}

/** The same error, for another request (a socket's failure, told to each request it carried). */
export function forRequest(error: StreamGateError, requestId: string): StreamGateError {
  return new StreamGateError(error.code, error.message, {
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    retryable: error.retryable,
    requestId,
    details: error.details,
    cause: error,
  });
}
