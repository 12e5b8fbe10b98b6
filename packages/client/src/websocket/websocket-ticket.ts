import type { CallOptions } from '../chat/chat-request.js';
import type { HttpClient } from '../http/http-client.js';
import { createRequestId } from '../shared/request-id.js';
import { isFiniteNumber, isRecord } from '../shared/validate.js';

/** A single-use, short-lived ticket for a WebSocket URL (`?ticket=`), from `POST /v1/ws/tickets`. */
export interface WebSocketTicket {
  ticket: string;
  /** ISO 8601: open the WebSocket before then. */
  expiresAt: string;
  expiresInSeconds: number;
}

/**
 * Asks the gateway for a ticket with the client's credentials. A browser cannot put the key on a
 * WebSocket upgrade, and a key in a URL would end up in logs; the ticket works once, for a short while.
 */
export function requestWebSocketTicket(http: HttpClient, options: CallOptions = {}): Promise<WebSocketTicket> {
  return http.json({ method: 'POST', path: '/v1/ws/tickets', requestId: createRequestId(), signal: options.signal }, readTicket);
}

function readTicket(body: unknown): WebSocketTicket | undefined {
  if (!isRecord(body) || typeof body.ticket !== 'string' || typeof body.expires_at !== 'string' || !isFiniteNumber(body.expires_in)) return undefined;
  return { ticket: body.ticket, expiresAt: body.expires_at, expiresInSeconds: body.expires_in };
}
