import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

/**
 * The gateway's pages (the web app, the API explorer at `/docs`) may load only what the gateway
 * serves, talk only to it, and never be framed: a model's reply rendered as Markdown cannot load a
 * script, an image or a frame from elsewhere, and a page where people paste keys cannot be overlaid
 * by another site (clickjacking).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** The headers every page and file of the gateway's own UIs carry. */
export function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer');
}

/**
 * Gives every route at or under one of `paths` (registered after this call, by any plugin) the page
 * headers, so that the API explorer and its files get the web app's protections. Decided per route as
 * it registers: no other route pays for it.
 */
export function protectPages(app: FastifyInstance, paths: readonly string[]): void {
  const securePage = function securePage(_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) {
    pageHeaders(reply);
    done(null, payload);
  };
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!paths.some((path) => route.url === path || route.url.startsWith(`${path}/`))) return;
    const existing = route.onSend ? (Array.isArray(route.onSend) ? route.onSend : [route.onSend]) : [];
    route.onSend = [...existing, securePage];
  });
}
