import type { FastifyInstance, RouteOptions } from 'fastify';

/**
 * Remembers each route's path and methods so that a request for a known path with another method
 * gets 405 with `Allow`, not 404. Built while routes register; looked up only on the not-found path.
 */
export class RouteTable {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];

  attach(app: FastifyInstance): void {
    app.addHook('onRoute', (route: RouteOptions) => {
      const pattern = new RegExp(
        `^${route.url
          .split('/')
          .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escapeRegExp(segment)))
          .join('/')}/?$`,
      );
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const existing = this.routes.find((entry) => entry.pattern.source === pattern.source);
      if (existing) for (const method of methods) existing.methods.add(method);
      else this.routes.push({ pattern, methods: new Set(methods) });
    });
  }

  /** The methods a path accepts; empty when no route has that path. */
  allowedMethods(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
