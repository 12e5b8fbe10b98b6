import { GatewayError } from '../errors.js';

/** How a mapper knows where the failure happened. */
export interface MapErrorOptions {
  /** The failure came while reading an answer that had begun (the stream or the body), not before. */
  midStream?: boolean;
}

/** Node's codes for a connection or stream that ended before the body did. */
export const MID_STREAM_CUTS: ReadonlySet<string> = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ERR_HTTP2_STREAM_ERROR', 'ERR_HTTP2_STREAM_CANCEL', 'ERR_HTTP2_SESSION_ERROR', 'UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** An upstream that cut the connection after its answer began: `upstream_bad_response` (truncated), retryable. */
export function connectionCut(service: string, code: string, cause: unknown): GatewayError {
  return new GatewayError('upstream_bad_response', `${service} cut the connection before its answer was complete (${code}).`, { cause, details: { provider_error: code } });
}
