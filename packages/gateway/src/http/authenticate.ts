import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { presentedKey, type StaticApiKeys } from '../access/api-keys.js';
import type { Caller } from '../engine/chat-request.js';
import { GatewayError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
  interface FastifyContextConfig {
    /** Served without a key (`/health`, `/ready`, the docs). */
    public?: boolean;
  }
}


/**
 * Every route needs a key unless it says `config: {public: true}`. Decided once per route as it
 * registers, so public routes carry no auth hook at all.
 */
export function requireKeys(app: FastifyInstance, keys: StaticApiKeys, publicPrefixes: readonly string[]): void {
  // null, not an object: Fastify shares a decorator's initial reference across requests.
  app.decorateRequest('caller', null as unknown as Caller);

  const authenticate = async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const caller = keys.verify(presentedKey(request.headers));
    if (!caller) {
      reply.header('www-authenticate', 'Bearer realm="streamgate"');
      throw new GatewayError('unauthorized', 'A valid API key is required: send "X-API-Key: <key>" or "Authorization: Bearer <key>".');
    }
    request.caller = caller;
  };

  app.addHook('onRoute', (route: RouteOptions) => {
    const isPublic = route.config?.public === true || publicPrefixes.some((prefix) => route.url.startsWith(prefix));
    if (isPublic) return;
    const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    route.onRequest = [authenticate, ...existing];
  });
}
