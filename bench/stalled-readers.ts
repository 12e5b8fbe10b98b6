// Heap held per stalled reader: N SSE (or WebSocket) streams of a long reply whose clients stop reading
// at once. Measures the gateway's heap after a full GC once every stream has stopped making progress.
// Run: node --expose-gc --import tsx bench/stalled-readers.ts [--streams 20] [--tokens 100000] [--route sse|openai]
// `sse`: POST /v1/chat/stream (the turn is kept for the session); `openai`: /v1/chat/completions, stream: true (no turn kept).
import net from 'node:net';
import { parseArgs } from 'node:util';
import { loadConfig } from '../packages/gateway/src/config.js';
import { buildGateway } from '../packages/gateway/src/server.js';
import { MemorySessionStore } from '../packages/gateway/src/stores/memory-session-store.js';

const { values } = parseArgs({
  options: { streams: { type: 'string', default: '20' }, tokens: { type: 'string', default: '100000' }, route: { type: 'string', default: 'sse' } },
});
const streams = Number(values.streams);
const tokens = Number(values.tokens);
const KEY = 'sg-bench-stalled-0123456789abcdef';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', API_KEYS: KEY, SESSION_STORE: 'memory', KEY_STORE: 'memory', USAGE_STORE: 'memory', LOG_LEVEL: 'warn', RATE_LIMIT_REQUESTS: '1000000' });
const gateway = await buildGateway(config, { sessions: new MemorySessionStore({ maxSessions: 10_000, ttlSeconds: 3600 }) });
const address = new URL(await gateway.app.listen({ host: '127.0.0.1', port: 0 }));

const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

await settle();
const before = heap();
const sockets: net.Socket[] = [];
const simulate = { ttft_ms: 0, tokens_per_second: 0, output_tokens: tokens };
const openAi = values.route === 'openai';
const body = JSON.stringify(openAi ? { model: 'simulator', stream: true, messages: [{ role: 'user', content: 'stall' }], simulate } : { message: 'stall', simulate });
const path = openAi ? '/v1/chat/completions' : '/v1/chat/stream';
for (let index = 0; index < streams; index++) {
  const socket = net.connect(Number(address.port), '127.0.0.1');
  // A small receive window: the client reads nothing, as a phone that went to sleep.
  socket.setNoDelay(true);
  socket.write(
    `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.pause();
  sockets.push(socket);
}
// Wait until the gateway stops producing: its memory stops growing between two looks.
let previous = 0;
let current = heap();
for (let round = 0; round < 50 && Math.abs(current - previous) > 64 * 1024; round++) {
  await settle();
  previous = current;
  current = heap();
}
const perStream = (current - before) / streams;
console.log(JSON.stringify({ route: values.route, streams, tokens, activeStreams: gateway.engine.activeCount, heapBeforeMiB: +(before / 2 ** 20).toFixed(1), heapAfterMiB: +(current / 2 ** 20).toFixed(1), heapPerStalledStreamKiB: +(perStream / 1024).toFixed(1) }));
for (const socket of sockets) socket.destroy();
await gateway.shutdown();
