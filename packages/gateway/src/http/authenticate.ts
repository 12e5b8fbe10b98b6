import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Authenticator } from '../access/authenticator.js';
import { rateLimited, rateLimitHeaders, type RateLimiter, type RequestDecision } from '../access/rate-limit/rate-limiter.js';
import type { WebSocketTickets } from '../access/ticket-store.js';
import type { Caller } from '../engine/chat-request.js';
import { GatewayError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
  interface FastifyContextConfig {
    /** Served without a key (`/health`, `/ready`, the docs); limited per client address instead. */
    public?: boolean;
    /** Needs the admin credential (`ADMIN_API_KEY`). */
    admin?: boolean;
    /**
     * `false`: never rate limited (`/health`, `/ready`). Behind a load balancer its health checks share an
     * address with the clients it forwards; a flood of bad keys must not make the instance look down.
     */
    rateLimit?: boolean;
  }
}

export interface AccessHooksOptions {
  authenticator: Authenticator;
  tickets: WebSocketTickets;
  limiter: RateLimiter;
  publicPrefixes: readonly string[];
}

/**
 * Every route needs a credential unless it says `config: {public: true}`; WebSocket routes also take a
 * single-use `?ticket=`. Each request then counts against its caller's requests-per-window limit
 * (public routes and failed authentications: against the client address). Decided once per route as
 * it registers, so a route carries only the hooks it needs.
 */
export function requireKeys(app: FastifyInstance, options: AccessHooksOptions): void {
  // null, not an object: Fastify shares a decorator's initial reference across requests.
  app.decorateRequest('caller', null as unknown as Caller);
  const { authenticator, tickets, limiter } = options;

  const applyDecision = (reply: FastifyReply, decision: RequestDecision | undefined, what: string) => {
    if (!decision) return;
    reply.headers(rateLimitHeaders(decision));
    if (!decision.allowed) {
      throw rateLimited('requests', decision.resetSeconds * 1000, `${what} may make ${decision.limit} requests per ${decision.windowSeconds} s; retry in ${decision.resetSeconds} s.`);
    }
  };

  // Health checks and docs stay up while the limiter is unavailable, even in closed mode.
  const addressDecision = (request: FastifyRequest) => limiter.checkAddress(request.ip).catch(() => undefined);

  const limitAddress = async function limitAddress(request: FastifyRequest, reply: FastifyReply) {
    applyDecision(reply, await addressDecision(request), 'This address');
  };

  const authenticateWith = (acceptsTicket: boolean) =>
    async function authenticate(request: FastifyRequest, reply: FastifyReply) {
      try {
        const ticket = acceptsTicket ? ticketOf(request) : undefined;
        if (ticket !== undefined) {
          const caller = await tickets.redeem(ticket);
          if (!caller) throw new GatewayError('invalid_ticket', 'The ticket is unknown, already used or expired: get a new one from POST /v1/ws/tickets.');
          request.caller = caller;
        } else {
          request.caller = await authenticator.authenticate(request.headers);
        }
      } catch (error) {
        if (error instanceof GatewayError && error.status === 401) {
          reply.header('www-authenticate', 'Bearer realm="streamgate"');
          // Guessing keys costs a request of the address's own budget.
          applyDecision(reply, await addressDecision(request), 'This address');
        }
        throw error;
      }
      applyDecision(reply, await limiter.checkRequest(request.caller), 'This key');
    };

  const requireAdmin = async function requireAdmin(request: FastifyRequest) {
    if (!request.caller.admin) throw new GatewayError('forbidden', 'The admin API needs the admin credential (ADMIN_API_KEY); API keys do not grant it.');
  };

  app.addHook('onRoute', (route: RouteOptions) => {
    const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    const isPublic =
      route.config?.public === true ||
      route.method === 'OPTIONS' ||
      options.publicPrefixes.some((prefix) => route.url.startsWith(prefix));
    if (isPublic) {
      if (route.config?.rateLimit !== false) route.onRequest = [limitAddress, ...existing];
      return;
    }
    const acceptsTicket = 'wsHandler' in route && route.wsHandler !== undefined;
    route.onRequest = [authenticateWith(acceptsTicket), ...(route.config?.admin ? [requireAdmin] : []), ...existing];
  });
}

/** `?ticket=` from the URL, without parsing anything else. */
function ticketOf(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  const ticket = query?.ticket;
  return typeof ticket === 'string' && ticket.length > 0 ? ticket : undefined;
}
