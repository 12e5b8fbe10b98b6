import type { ErrorCode } from '@streamgate/protocol';
import { connectionCut, MID_STREAM_CUTS, type MapErrorOptions } from '../upstream-connection.js';
import { GatewayError } from '../../errors.js';

interface AwsErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/** AWS exception names (Bedrock runtime, Agents runtime, AgentCore), before or during a stream, by code. */
const BY_NAME: Readonly<Record<string, { code: ErrorCode; retryable?: boolean }>> = {
  ThrottlingException: { code: 'upstream_throttled' },
  ServiceQuotaExceededException: { code: 'upstream_throttled' },
  TooManyRequestsException: { code: 'upstream_throttled' },
  ServiceUnavailableException: { code: 'upstream_unavailable' },
  ModelNotReadyException: { code: 'upstream_unavailable' },
  InternalServerException: { code: 'upstream_error' },
  InternalFailure: { code: 'upstream_error' },
  ModelStreamErrorException: { code: 'upstream_error' },
  ModelErrorException: { code: 'upstream_error' },
  BadGatewayException: { code: 'upstream_error' },
  DependencyFailedException: { code: 'upstream_error', retryable: false },
  RuntimeClientError: { code: 'upstream_error', retryable: false },
  ConflictException: { code: 'upstream_error', retryable: false },
  RetryableConflictException: { code: 'upstream_error', retryable: true },
  ModelTimeoutException: { code: 'upstream_timeout' },
  TimeoutError: { code: 'upstream_timeout' },
  AccessDeniedException: { code: 'upstream_access_denied' },
  UnrecognizedClientException: { code: 'upstream_access_denied' },
  InvalidSignatureException: { code: 'upstream_access_denied' },
  IncompleteSignatureException: { code: 'upstream_access_denied' },
  ExpiredTokenException: { code: 'upstream_access_denied' },
  UnauthorizedException: { code: 'upstream_access_denied' },
  CredentialsProviderError: { code: 'upstream_access_denied' },
  ValidationException: { code: 'upstream_invalid_request' },
  SerializationException: { code: 'upstream_invalid_request' },
  ResourceNotFoundException: { code: 'upstream_not_found' },
};

/** Socket-level failures: the upstream could not be reached or dropped the connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_STREAM_CANCEL',
  'ERR_HTTP2_INVALID_SESSION',
]);

/** Event-stream decoding failures (`@smithy/eventstream-codec`) and unparsable bodies. */
const MALFORMED = /truncated|checksum|did not match|unexpected end|unexpected token|not valid json|unable to parse|deserializ/i;

/** Messages that are safe and useful to show a client; the rest may carry account ids and ARNs. */
const SHOW_UPSTREAM_MESSAGE: ReadonlySet<ErrorCode> = new Set(['upstream_invalid_request', 'upstream_error', 'upstream_throttled']);

/**
 * Any failure of an AWS SDK call or of iterating its stream as a GatewayError with a stable code.
 * `service` names the upstream in the message ("Bedrock", "Bedrock Agents", "AgentCore").
 */
export function mapAwsError(error: unknown, service: string, options: MapErrorOptions = {}): GatewayError {
  if (error instanceof GatewayError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as AwsErrorShape;
  const name = shape.name ?? 'Error';
  const upstreamMessage = typeof shape.message === 'string' ? shape.message.slice(0, 500) : '';
  const status = shape.$metadata?.httpStatusCode;
  const known = BY_NAME[name];
  let code: ErrorCode;
  let retryable = known?.retryable;
  if (known) code = known.code;
  else if (shape.code && (NETWORK_CODES.has(shape.code) || MID_STREAM_CUTS.has(shape.code))) {
    // Reachable it was: the connection broke after the answer began, so the answer is truncated.
    if (options.midStream) return connectionCut(service, shape.code, error);
    code = 'upstream_unavailable';
  }
  else if (MALFORMED.test(upstreamMessage) || name === 'SyntaxError') code = 'upstream_bad_response';
  else if (status === 429) code = 'upstream_throttled';
  else if (status === 401 || status === 403) code = 'upstream_access_denied';
  else if (status === 404) code = 'upstream_not_found';
  else if (status !== undefined && status >= 400 && status < 500) {
    code = 'upstream_error';
    retryable = false;
  } else code = 'upstream_error';

  const label = known || status !== undefined ? name : shape.code ?? name;
  const text = SHOW_UPSTREAM_MESSAGE.has(code) || code === 'upstream_bad_response' || code === 'upstream_unavailable'
    ? `${service} failed: ${label}${upstreamMessage ? `: ${upstreamMessage}` : ''}`
    : `${service} failed: ${label}.`;
  return new GatewayError(code, text, {
    cause: error,
    details: { provider_error: label, ...(status !== undefined ? { upstream_status: status } : {}) },
    ...(retryable !== undefined ? { retryable } : {}),
  });
}
