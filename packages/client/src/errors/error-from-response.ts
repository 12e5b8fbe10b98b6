import { isRecord } from '../shared/validate.js';
import { parseRetryAfter } from './retry-after.js';
import { StreamGateError } from './streamgate-error.js';

/**
 * A failed HTTP response as a StreamGateError: the code and message from StreamGate's error body
 * `{error: {code, message, request_id, details?}}`, the status, and `Retry-After` as milliseconds.
 */
export async function errorFromResponse(response: Response, requestId: string): Promise<StreamGateError> {
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const options = {
    status: response.status,
    requestId: typeof error?.request_id === 'string' ? error.request_id : requestId,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(error?.details !== undefined ? { details: error.details } : {}),
  };
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new StreamGateError(error.code, error.message, options);
  }
  return new StreamGateError('http_error', `The gateway answered HTTP ${response.status} ${response.statusText}`.trim(), options);
}
