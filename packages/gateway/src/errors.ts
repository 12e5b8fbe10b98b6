import type { ErrorCode } from '@streamgate/protocol';

interface ErrorDefinition {
  status: number;
  message: string;
  retryable: boolean;
}

/**
 * The one error registry: each stable code with its HTTP status and default message.
 * `docs/errors.md` documents every code here; `errors.test.ts` keeps the two in step.
 */
export const ERROR_REGISTRY: Readonly<Record<ErrorCode, ErrorDefinition>> = {
  malformed_json: { status: 400, message: 'The body is not valid JSON.', retryable: false },
  invalid_request: { status: 400, message: 'The request is not valid.', retryable: false },
  unsupported_parameter: { status: 400, message: 'The model cannot honour a field of this request.', retryable: false },
  unsupported_media_type: { status: 415, message: 'Send the body as application/json.', retryable: false },
  payload_too_large: { status: 413, message: 'The body is larger than the configured limit.', retryable: false },
  invalid_session_id: {
    status: 400,
    message: 'A session id is 1-128 characters of A-Z, a-z, 0-9, "-" or "_".',
    retryable: false,
  },
  session_not_found: { status: 404, message: 'No such session.', retryable: false },
  not_found: { status: 404, message: 'No such route.', retryable: false },
  method_not_allowed: { status: 405, message: 'This route does not accept that method.', retryable: false },
  upgrade_required: { status: 426, message: 'This route speaks WebSocket.', retryable: false },
  malformed_request: { status: 400, message: 'The request is not valid HTTP/1.1.', retryable: false },
  malformed_url: { status: 400, message: 'The URL is not valid: a percent sign must be followed by two hexadecimal digits of UTF-8.', retryable: false },
  headers_too_large: { status: 431, message: 'The request line and headers are larger than 16 KB.', retryable: false },
  request_timeout: { status: 408, message: 'The request did not arrive in time.', retryable: true },
  unauthorized: { status: 401, message: 'A valid API key is required.', retryable: false },
  key_revoked: { status: 401, message: 'This API key has been revoked.', retryable: false },
  key_expired: { status: 401, message: 'This API key has expired.', retryable: false },
  invalid_token: { status: 401, message: 'The bearer token is malformed or its signature does not verify.', retryable: false },
  token_expired: { status: 401, message: 'The bearer token has expired.', retryable: false },
  token_not_yet_valid: { status: 401, message: 'The bearer token is not valid yet (nbf).', retryable: false },
  token_algorithm_not_allowed: { status: 401, message: 'The bearer token is signed with an algorithm this gateway does not accept.', retryable: false },
  token_claims_invalid: { status: 401, message: "The bearer token's issuer, audience or subject is not accepted.", retryable: false },
  invalid_ticket: { status: 401, message: 'The WebSocket ticket is unknown, used or expired.', retryable: false },
  forbidden: { status: 403, message: 'This credential may not do that.', retryable: false },
  model_not_allowed: { status: 403, message: 'This key may not use that model.', retryable: false },
  key_not_found: { status: 404, message: 'No such API key.', retryable: false },
  rate_limited: { status: 429, message: 'Rate limit reached; retry after the time in Retry-After.', retryable: true },
  budget_exceeded: { status: 402, message: "This key's budget for the period is spent.", retryable: false },
  dependency_unavailable: { status: 503, message: 'A service the gateway depends on is unavailable.', retryable: true },
  model_not_found: { status: 404, message: 'No such model.', retryable: false },
  too_many_requests_on_connection: {
    status: 429,
    message: 'Too many concurrent requests on this connection.',
    retryable: true,
  },
  duplicate_request_id: { status: 409, message: 'A request with this id is already running.', retryable: false },
  request_not_found: { status: 404, message: 'No running request has this id.', retryable: false },
  stream_not_found: { status: 404, message: "No retained stream has this request id for this key (never retained, or its retention ended).", retryable: false },
  stream_gap: { status: 410, message: 'Some events after that position are no longer retained: the stream cannot be resumed without a hole.', retryable: false },
  unsupported_message_type: { status: 400, message: 'Unknown message type.', retryable: false },
  unsupported_frame: { status: 400, message: 'Only JSON text frames are accepted.', retryable: false },
  upstream_error: { status: 502, message: 'The model provider failed.', retryable: true },
  upstream_timeout: { status: 504, message: 'The model provider did not answer in time.', retryable: true },
  upstream_throttled: { status: 429, message: 'The model provider is throttling requests; retry later.', retryable: true },
  upstream_unavailable: { status: 503, message: 'The model provider is unavailable or not reachable.', retryable: true },
  upstream_access_denied: {
    status: 502,
    message: "The model provider refused the gateway's credentials or permissions.",
    retryable: false,
  },
  upstream_invalid_request: { status: 400, message: 'The model provider rejected the request as invalid.', retryable: false },
  upstream_not_found: { status: 502, message: 'The configured upstream model, agent or runtime does not exist.', retryable: false },
  upstream_bad_response: { status: 502, message: 'The model provider sent a malformed or truncated response.', retryable: true },
  cancelled: { status: 499, message: 'The request was cancelled.', retryable: false },
  shutting_down: { status: 503, message: 'The gateway is shutting down; retry on another instance.', retryable: true },
  internal_error: { status: 500, message: 'Internal error.', retryable: true },
};

/** An error with a stable code. Thrown before a stream starts; turned into an `error` event after. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, options: { details?: unknown; cause?: unknown; retryable?: boolean } = {}) {
    const definition = ERROR_REGISTRY[code];
    super(message ?? definition.message, { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = definition.status;
    this.retryable = options.retryable ?? definition.retryable;
    this.details = options.details;
  }
}

/** Any thrown value as a GatewayError; unknown failures become `internal_error` without leaking their text. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal_error', undefined, { cause: error });
}
