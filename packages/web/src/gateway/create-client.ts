import { StreamGateClient } from '@streamgate/client';

/**
 * The SDK client for one key. The key goes in an `Authorization` header on HTTP requests; each
 * WebSocket attempt gets a fresh single-use ticket with it, since a browser cannot set headers on a socket.
 */
export function createGatewayClient(baseUrl: string, apiKey: string): StreamGateClient {
  return new StreamGateClient({
    baseUrl,
    apiKey,
    websocket: { tickets: true, reconnect: { initialDelayMs: 500, maxDelayMs: 15_000 } },
  });
}

/** Where the gateway is: this page's origin, unless the build was told otherwise (`VITE_GATEWAY_URL`). */
export function gatewayBaseUrl(): string {
  const configured = (import.meta as { env?: Record<string, string | undefined> }).env?.VITE_GATEWAY_URL;
  return (configured ?? '').replace(/\/+$/, '');
}
