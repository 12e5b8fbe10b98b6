import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { pageHeaders } from './page-headers.js';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>StreamGate</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>StreamGate is running</h1>
<p>The web app has not been built. Run <code>npm run build</code> (or <code>npm install</code>, which builds it) in the repository, then restart the gateway.</p>
<p>The API is up: see <a href="/docs">/docs</a>.</p>
</body></html>
`;

/**
 * Serves the built web app (packages/web/dist) at `/`: `index.html` at `/`, hashed files under
 * `/assets/`, and the other files at the top of the build. Public routes (the app asks for the key
 * itself), added only for the paths the build has, so that every API route keeps its own 404 and
 * 405 answers. Without a build, `/` says how to make one and the gateway runs as usual.
 */
export async function registerWebAppRoutes(app: FastifyInstance, directory: string): Promise<void> {
  const index = path.join(directory, 'index.html');
  // Static files cost the gateway next to nothing; a page load (four files) should not spend the
  // address's request budget, which clients behind one proxy share.
  const route = { config: { public: true, rateLimit: false }, schema: { hide: true } };
  if (!existsSync(index)) {
    app.get('/', route, async function webAppNotBuilt(_request, reply) {
      return pageHeaders(reply).code(404).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT_PAGE);
    });
    return;
  }
  await app.register(fastifyStatic, { root: directory, serve: false });

  const sendIndex = async function webApp(_request: unknown, reply: FastifyReply) {
    return pageHeaders(reply).header('cache-control', 'no-cache').sendFile('index.html', directory, { cacheControl: false });
  };
  app.get('/', route, sendIndex);
  app.get('/index.html', route, sendIndex);

  const assets = path.join(directory, 'assets');
  app.get<{ Params: { '*': string } }>('/assets/*', route, async function webAppAsset(request, reply) {
    const file = request.params['*'];
    // `send` refuses these with a 403 error; out of the build is simply not found.
    if (file.includes('\0') || file.split(/[\\/]/).includes('..')) return reply.callNotFound();
    // Names carry a content hash: a file never changes, so browsers may keep it for a year.
    return pageHeaders(reply).sendFile(file, assets, { immutable: true, maxAge: '365d' });
  });

  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name === 'index.html' || entry.name.startsWith('.')) continue;
    app.get(`/${entry.name}`, route, async function webAppFile(_request, reply) {
      return pageHeaders(reply).sendFile(entry.name, directory, { maxAge: '1h' });
    });
  }
}
