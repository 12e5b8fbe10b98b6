/**
 * Every error StreamGate reports carries one of these codes, on HTTP bodies, SSE `error` events and
 * WebSocket `error` frames alike. The codes are stable: clients may switch on them.
 * The gateway's error registry maps each code to an HTTP status and a default message;
 * `docs/errors.md` documents each one, and a test keeps the three in step.
 */
export const ERROR_CODES = [
  'malformed_json',
  'invalid_request',
  'unsupported_parameter',
  'unsupported_media_type',
  'payload_too_large',
  'invalid_session_id',
  'session_not_found',
  'not_found',
  'method_not_allowed',
  'upgrade_required',
  // the HTTP boundary: requests Node's parser or the router refuse, and requests that arrive too slowly
  'malformed_request',
  'malformed_url',
  'headers_too_large',
  'request_timeout',
  'unauthorized',
  // access control and accounting
  'key_revoked',
  'key_expired',
  'invalid_token',
  'token_expired',
  'token_not_yet_valid',
  'token_algorithm_not_allowed',
  'token_claims_invalid',
  'invalid_ticket',
  'forbidden',
  'model_not_allowed',
  'key_not_found',
  'rate_limited',
  'budget_exceeded',
  'dependency_unavailable',
  'model_not_found',
  'too_many_requests_on_connection',
  'duplicate_request_id',
  'request_not_found',
  // resuming a stream
  'stream_not_found',
  'stream_gap',
  'unsupported_message_type',
  'unsupported_frame',
  'upstream_error',
  'upstream_timeout',
  'upstream_throttled',
  'upstream_unavailable',
  'upstream_access_denied',
  'upstream_invalid_request',
  'upstream_not_found',
  'upstream_bad_response',
  'cancelled',
  'shutting_down',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The JSON body of every HTTP error response. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    request_id?: string;
    details?: unknown;
  };
}
