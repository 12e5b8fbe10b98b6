import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors.js';

type Done = (error: Error | null, body?: unknown) => void;

/** Whether each route's body schema accepts no body at all, worked out once per schema. */
const acceptsNoBodyBySchema = new WeakMap<object, boolean>();

function acceptsNoBody(request: FastifyRequest): boolean {
  const schema = request.routeOptions.schema?.body as { safeParse?: (value: unknown) => { success: boolean } } | undefined;
  if (schema === undefined) return true;
  let accepts = acceptsNoBodyBySchema.get(schema);
  if (accepts === undefined) {
    accepts = typeof schema.safeParse === 'function' && schema.safeParse(undefined).success;
    acceptsNoBodyBySchema.set(schema, accepts);
  }
  return accepts;
}

/**
 * `application/json` bodies, parsed by Fastify's own (prototype-poisoning-safe) parser, with two
 * differences at the boundary:
 * - an empty body is no body on a route that takes none (`GET`, `DELETE`, `POST /api/v1/sessions`):
 *   many HTTP helpers send `Content-Type: application/json` on every request;
 * - valid JSON with a `__proto__` key (or `constructor.prototype`) is refused as `invalid_request`
 *   naming the key, not as `malformed_json`: the JSON is well-formed, the key is what is refused.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const safe = app.getDefaultJsonParser('error', 'error');
  const plain = app.getDefaultJsonParser('ignore', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, function parseJsonBody(request, body, done: Done) {
    const text = body as string;
    if (text.length === 0 && acceptsNoBody(request)) {
      done(null, undefined);
      return;
    }
    safe(request, text, (error: Error | null, value?: unknown) => {
      if (!error) return done(null, value);
      // Fastify's parser says only "not valid JSON"; parsed without the check, well-formed JSON shows the poisoning was the cause.
      plain(request, text, (plainError: Error | null) => {
        if (plainError) return done(error);
        const key = !text.includes('__proto__') && text.includes('constructor') ? 'constructor.prototype' : '__proto__';
        done(
          new GatewayError('invalid_request', `body: the key "${key}" is not allowed.`, {
            details: [{ path: `body.${key}`, message: 'This key can change the prototype of objects in JavaScript servers; it is refused.' }],
          }),
        );
      });
    });
  });
}
