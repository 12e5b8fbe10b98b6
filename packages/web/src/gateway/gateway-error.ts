import { StreamGateError } from '@streamgate/client';

/**
 * A failed response from the gateway as a StreamGateError, for the few calls the app makes without
 * the SDK (tickets, readiness). The SDK has the same reader but does not export it.
 */
export async function errorFromResponse(response: Response): Promise<StreamGateError> {
  const retryAfter = response.headers.get('retry-after');
  const retryAfterMs = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) * 1000 : undefined;
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const options = { status: response.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new StreamGateError(error.code, error.message, options);
  }
  return new StreamGateError('http_error', `The gateway answered HTTP ${response.status}.`, options);
}

/** A fetch that reports an unreachable gateway as the SDK does: `network_error`. */
export async function fetchFromGateway(url: string, init: RequestInit, fetchFunction: typeof fetch = globalThis.fetch): Promise<Response> {
  try {
    return await fetchFunction(url, init);
  } catch (error) {
    throw new StreamGateError('network_error', 'The gateway could not be reached.', { cause: error });
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
