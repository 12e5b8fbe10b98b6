import type { ErrorCode } from '@streamgate/protocol';
import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import { connectionCut, MID_STREAM_CUTS, type MapErrorOptions } from '../upstream-connection.js';
import { parseJson } from '../parse-json.js';

const errorBodySchema = z.object({
  error: z.union([z.string(), z.object({ message: z.string().optional(), type: z.string().nullish(), code: z.unknown().optional() }).passthrough()]),
});

/** An HTTP error answer of an OpenAI-compatible server as a GatewayError; `body` is its (bounded) text. */
export function openAiCompatibleHttpError(status: number, body: string, serverName: string): GatewayError {
  let code: ErrorCode;
  if (status === 429) code = 'upstream_throttled';
  else if (status === 401 || status === 403) code = 'upstream_access_denied';
  else if (status === 404) code = 'upstream_not_found';
  else if (status === 400 || status === 413 || status === 422) code = 'upstream_invalid_request';
  else if (status === 503) code = 'upstream_unavailable';
  else if (status === 504 || status === 408) code = 'upstream_timeout';
  else code = 'upstream_error';
  const parsed = parseJson(body, errorBodySchema);
  const upstreamMessage = parsed.success ? (typeof parsed.data.error === 'string' ? parsed.data.error : parsed.data.error.message ?? '') : '';
  const show = code === 'upstream_invalid_request' || code === 'upstream_throttled' || code === 'upstream_not_found' || code === 'upstream_error';
  const message = `${serverName} answered HTTP ${status}${show && upstreamMessage ? `: ${upstreamMessage.slice(0, 500)}` : '.'}`;
  return new GatewayError(code, message, {
    details: { upstream_status: status },
    ...(status >= 400 && status < 500 && code === 'upstream_error' ? { retryable: false } : {}),
  });
}

/** An `error` object sent inside the stream (vLLM and OpenAI do this when generation fails midway). */
export function openAiCompatibleStreamError(error: unknown, serverName: string): GatewayError {
  const message = typeof error === 'string' ? error : typeof error === 'object' && error !== null ? String((error as { message?: unknown }).message ?? '') : '';
  return new GatewayError('upstream_error', `${serverName} failed mid-stream${message ? `: ${message.slice(0, 500)}` : '.'}`);
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * A failure of `fetch` itself (refused, reset, DNS: `upstream_unavailable`) or of reading its body (a
 * connection cut once the answer began: `upstream_bad_response`), as a GatewayError.
 */
export function openAiCompatibleError(error: unknown, serverName: string, options: MapErrorOptions = {}): GatewayError {
  if (error instanceof GatewayError) return error;
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  const code = cause?.code ?? (error as { code?: string } | undefined)?.code;
  if (code && options.midStream && (NETWORK_CODES.has(code) || MID_STREAM_CUTS.has(code))) return connectionCut(serverName, code, error);
  if (code && NETWORK_CODES.has(code)) {
    return new GatewayError('upstream_unavailable', `${serverName} is not reachable (${code}).`, { cause: error });
  }
  if ((error as Error | undefined)?.name === 'TimeoutError') return new GatewayError('upstream_timeout', `${serverName} did not answer in time.`, { cause: error });
  return new GatewayError('upstream_error', `${serverName} failed: ${(error as Error | undefined)?.message ?? 'unknown error'}`, { cause: error });
}
