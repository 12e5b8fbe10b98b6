// Module hooks for the Portkey process: its start-server.js calls @hono/node-server's `serve` without a
// hostname, which binds every interface; this sends that one import to a shim that binds 127.0.0.1.
const shim = new URL('./hono-node-server-loopback.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === '@hono/node-server' && context.parentURL?.includes('/@portkey-ai/gateway/')) {
    return { url: shim, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
