import type { StreamGateError } from '@streamgate/client';

/**
 * What went wrong, as the app shows it:
 * - `unreachable`: the gateway could not be reached (down, offline, a proxy's 502-504).
 * - `unauthorized`: the key or token was refused; the app asks for another.
 * - `rate_limited`: a limit was reached; `retryAfterMs` says how long to wait, when known.
 * - `interrupted`: the stream broke after text arrived; the text stays, and the request can be retried.
 * - `cancelled`: the user stopped it.
 * - `failed`: anything else, with the gateway's message.
 */
export type ProblemKind = 'unreachable' | 'unauthorized' | 'rate_limited' | 'interrupted' | 'cancelled' | 'failed';

export interface Problem {
  kind: ProblemKind;
  title: string;
  detail: string;
  code: string;
  /** Whether sending the same request again may succeed. */
  retryable: boolean;
  retryAfterMs?: number;
}

const LIMITED = new Set(['rate_limited', 'too_many_requests_on_connection', 'upstream_throttled']);

/**
 * Sorts an SDK error into what the user needs to know and do.
 *
 * @example
 * ```ts
 * const problem = describeProblem(result.error, { receivedText: result.text.length > 0 });
 * if (problem.kind === 'unauthorized') askForKey(problem.detail);
 * ```
 */
export function describeProblem(error: StreamGateError, context: { receivedText?: boolean } = {}): Problem {
  const code = String(error.code);
  const base = { code, detail: error.message, retryable: error.retryable };
  if (code === 'cancelled') return { ...base, kind: 'cancelled', title: 'Stopped', detail: 'You stopped this reply.', retryable: true };
  // Every 401 is a refused credential: unauthorized, key_revoked, key_expired, invalid_token, token_*.
  if (error.status === 401 || code === 'unauthorized') {
    return { ...base, kind: 'unauthorized', title: 'Key refused', detail: `${error.message} Enter another key to go on.`, retryable: false };
  }
  if (LIMITED.has(code)) {
    // From `Retry-After` on HTTP, from `retry_after_ms` on a WebSocket or SSE error event.
    const retryAfterMs = error.retryAfterMs;
    // With a known wait the notice counts it down; without one, say so.
    const detail = retryAfterMs === undefined ? `${error.message} Wait a moment, then retry.` : error.message;
    return { ...base, kind: 'rate_limited', title: 'Rate limited', detail, retryable: true, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (context.receivedText) {
    return {
      ...base,
      kind: 'interrupted',
      title: 'The stream broke mid-way',
      detail: `${error.message} The text received so far is kept.`,
      retryable: true,
    };
  }
  const proxyDown = code === 'http_error' && error.status !== undefined && error.status >= 502 && error.status <= 504;
  if (code === 'network_error' || code === 'connection_failed' || proxyDown) {
    return { ...base, kind: 'unreachable', title: 'Gateway unreachable', detail: `${error.message} Check that it is running; the app keeps trying.`, retryable: true };
  }
  return { ...base, kind: 'failed', title: titleOf(code), retryable: error.retryable };
}

function titleOf(code: string): string {
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
