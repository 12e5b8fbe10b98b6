import type { GatewayError } from '../../errors.js';
import { mapAwsError } from '../aws/map-aws-error.js';
import type { MapErrorOptions } from '../upstream-connection.js';

/**
 * A failure of Converse, ConverseStream or InvokeModel as a GatewayError. Covers every exception the
 * API documents, thrown by `send()` (HTTP errors) or while iterating the stream (exception frames):
 * throttling and quota -> `upstream_throttled`; service unavailable, model not ready ->
 * `upstream_unavailable`; internal, model stream and model errors -> `upstream_error`; model timeout ->
 * `upstream_timeout`; access denied -> `upstream_access_denied`; validation -> `upstream_invalid_request`;
 * resource not found -> `upstream_not_found`; malformed or truncated frames -> `upstream_bad_response`.
 */
export function bedrockError(error: unknown, options: MapErrorOptions = {}): GatewayError {
  return mapAwsError(error, 'Bedrock', options);
}

/** A modelled exception that arrived as a member of the stream union instead of being thrown. */
export function bedrockStreamException(member: string, value: { message?: string } | undefined): GatewayError {
  const name = member.charAt(0).toUpperCase() + member.slice(1);
  return mapAwsError({ name, message: value?.message ?? '' }, 'Bedrock');
}
