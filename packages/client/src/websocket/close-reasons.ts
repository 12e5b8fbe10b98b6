import { StreamGateError } from '../errors/streamgate-error.js';
import { isRecord } from '../shared/validate.js';

/** A WebSocket close: its code (RFC 6455 §7.4), its reason, and whether the closing handshake completed. */
export interface SocketClose {
  code: number;
  reason: string;
  wasClean: boolean;
}

/**
 * Close codes after which reopening cannot help: protocol error, unsupported or invalid data,
 * policy violation. Everything else (1001 going away, 1006 abnormal, 1009 too big, 1011, 1012...) reconnects.
 */
export const NON_RETRYABLE_CLOSE_CODES: ReadonlySet<number> = new Set([1002, 1003, 1007, 1008]);

/** The error for requests that were in flight on a socket that closed. */
export function lostRequestError(close: SocketClose | undefined): StreamGateError {
  const how = close === undefined ? '' : ` (close code ${close.code}${close.reason ? `: ${close.reason}` : ''})`;
  return new StreamGateError('connection_lost', `The WebSocket closed before the reply was complete${how}.`, { retryable: true, details: close });
}

/** Why a connection that closed for good (and will not reconnect by itself) refuses new requests. */
export function closedFor(close: SocketClose | undefined): StreamGateError {
  const how = close === undefined ? '' : ` (close code ${close.code}${close.reason ? `: ${close.reason}` : ''})`;
  return new StreamGateError('connection_closed', `The WebSocket closed${how} and does not reconnect; call reconnect() to reopen it.`, {
    retryable: false,
    details: close,
  });
}

const STATUS_CODES: Record<number, { code: string; message: string }> = {
  401: { code: 'unauthorized', message: 'The gateway refused the WebSocket: a valid API key is required.' },
  403: { code: 'forbidden', message: 'The gateway refused the WebSocket for this key.' },
  404: { code: 'not_found', message: 'The gateway has no WebSocket route at this URL.' },
  429: { code: 'rate_limited', message: 'The gateway refused the WebSocket: too many requests.' },
};

/**
 * Why an upgrade failed, where the platform says. Node's `ws` reports the HTTP status in its error
 * ("Unexpected server response: 401"); browsers deliberately report nothing, which is why browser
 * apps use a ticket (its HTTP request fails with a proper status instead).
 */
export function handshakeFailure(event: unknown): StreamGateError | undefined {
  const message = isRecord(event) && typeof event.message === 'string' ? event.message : undefined;
  const status = Number(/Unexpected server response: (\d{3})/.exec(message ?? '')?.[1]);
  if (!Number.isInteger(status)) return undefined;
  const known = STATUS_CODES[status];
  const retryable = !(status === 401 || status === 403 || status === 404);
  return new StreamGateError(known?.code ?? 'connection_failed', known?.message ?? `The gateway refused the WebSocket with HTTP ${status}.`, {
    status,
    retryable,
  });
}
