import type { ServerOptions } from 'node:http';
import type { GatewayConfig } from '../config.js';

/**
 * Node's limits on receiving a request, as Fastify options: its headers within HEADERS_TIMEOUT_MS and
 * all of it, body included, within REQUEST_TIMEOUT_MS; then `408 request_timeout` and the connection
 * closes. Neither limits the reply, which may stream for as long as the model runs. Fastify turns
 * Node's request timeout off by default, which let a body trickled at a byte a second hold its
 * connection for as long as the client liked.
 */
export function requestTimeouts(config: Pick<GatewayConfig, 'requestTimeoutMs' | 'headersTimeoutMs'>): { requestTimeout: number; http: ServerOptions } {
  // Node looks for expired requests on an interval (30 s by default), which a request may overrun by as much.
  const connectionsCheckingInterval = Math.max(10, Math.min(1000, Math.floor(config.headersTimeoutMs / 4)));
  return {
    requestTimeout: config.requestTimeoutMs,
    http: { requestTimeout: config.requestTimeoutMs, headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval },
  };
}
