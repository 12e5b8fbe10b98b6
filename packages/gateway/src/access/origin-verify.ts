import { createHash, timingSafeEqual } from 'node:crypto';
import { ORIGIN_VERIFY_HEADER_NAME } from '@streamgate/protocol';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../errors.js';

/** Load balancer and orchestrator probes reach the gateway directly, not through the CDN. */
const PROBES = new Set(['/health', '/ready']);

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * An `onRequest` hook that refuses (403 `forbidden`) every request not carrying the CDN's secret in
 * `X-Origin-Verify`: defence in depth behind a load balancer that checks the same header, so that a
 * request sent to the load balancer's own address never reaches the API. Compared in constant time.
 *
 * @example
 * app.addHook('onRequest', requireOriginSecret(process.env.ORIGIN_VERIFY_HEADER!));
 */
export function requireOriginSecret(secret: string) {
  const expected = digest(secret);
  return async function verifyOrigin(request: FastifyRequest): Promise<void> {
    if (PROBES.has(request.url.split('?', 1)[0]!)) return;
    const header = request.headers[ORIGIN_VERIFY_HEADER_NAME];
    if (typeof header === 'string' && timingSafeEqual(digest(header), expected)) return;
    throw new GatewayError('forbidden', 'Requests must come through the configured CDN (the origin header is missing or wrong).');
  };
}
