import { StreamGateClient } from '@streamgate/client';
import { requestTicket } from './request-ticket.js';
import { observedWebSocket, RetryAfterLedger } from './retry-after-ledger.js';

export interface GatewayConnection {
  client: StreamGateClient;
  /** Waits asked for by WebSocket `rate_limited` frames, by request id. */
  retryAfter: RetryAfterLedger;
}

/**
 * The SDK client for one key. The key goes in an `Authorization` header on HTTP requests; a
 * WebSocket gets a fresh single-use ticket for each attempt, since a browser cannot set headers on it.
 */
export function createGatewayConnection(baseUrl: string, apiKey: string): GatewayConnection {
  const retryAfter = new RetryAfterLedger();
  const client = new StreamGateClient({
    baseUrl,
    apiKey,
    ...(typeof WebSocket === 'function' ? { WebSocket: observedWebSocket(WebSocket, retryAfter) } : {}),
    websocket: {
      ticketProvider: () => requestTicket(baseUrl, apiKey),
      reconnect: { initialDelayMs: 500, maxDelayMs: 15_000 },
    },
  });
  return { client, retryAfter };
}

/** Where the gateway is: this page's origin, unless the build was told otherwise (`VITE_GATEWAY_URL`). */
export function gatewayBaseUrl(): string {
  const configured = (import.meta as { env?: Record<string, string | undefined> }).env?.VITE_GATEWAY_URL;
  return (configured ?? '').replace(/\/+$/, '');
}
