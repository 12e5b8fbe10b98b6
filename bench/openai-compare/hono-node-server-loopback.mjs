// @hono/node-server as Portkey imports it, except that `serve` listens on 127.0.0.1 only.
import { serve as serveOnEveryInterface } from '@hono/node-server';

export * from '@hono/node-server';

export function serve(options, listeningListener) {
  return serveOnEveryInterface({ ...options, hostname: '127.0.0.1' }, listeningListener);
}
