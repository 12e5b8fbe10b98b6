// The long-run proofs of transports/long-runs-through-proxies.test.ts at their real scale, run by hand
// (minutes, not seconds): nginx with an ALB's default 60 s idle timeout in front of a gateway with its
// default 15 s heartbeat and a model silent for 75 s between tokens; and a 2-minute run through a hop that
// cuts every connection at 29 s (API Gateway's integration timeout), on two gateways sharing Redis.
// Run: node --import tsx bench/long-runs-real-scale.ts
import { startCuttingProxy } from '../packages/gateway/src/test-support/cutting-proxy.js';
import { startNginxProxy } from '../packages/gateway/src/test-support/nginx-proxy.js';
import { ProbeChatModel, probeEntry } from '../packages/gateway/src/test-support/probe-model.js';
import { TestRedis } from '../packages/gateway/src/test-support/redis-server.js';
import { getSse, postSse, seqOf, type SseItem } from '../packages/gateway/src/test-support/sse-client.js';
import { startGateway } from '../packages/gateway/src/test-support/start-gateway.js';
import { TestSocket } from '../packages/gateway/src/test-support/ws-client.js';

const log = (text: string) => process.stdout.write(`${new Date().toISOString()} ${text}\n`);

async function collect(items: AsyncGenerator<SseItem>, into: SseItem[]): Promise<void> {
  try {
    for await (const item of items) if (item.kind === 'event') into.push(item);
  } catch {
    // cut mid-body
  }
}

async function idleTimeout(): Promise<void> {
  const silent = new ProbeChatModel({ tokens: 3, intervalMs: 75_000 });
  const gateway = await startGateway({ LOG_LEVEL: 'warn' }, { models: [probeEntry(silent)] });
  const proxy = await startNginxProxy(Number(new URL(gateway.url).port), 60);
  const began = performance.now();
  try {
    const sse: SseItem[] = [];
    const socket = await TestSocket.open(`${proxy.url.replace('http', 'ws')}/v1/ws/chat`, gateway.headers);
    socket.send({ message: 'slow agent', model: 'probe', request_id: 'slow' });
    const [, frames] = await Promise.all([collect(postSse(`${proxy.url}/v1/chat/stream`, { message: 'slow agent', model: 'probe' }, gateway.headers), sse), socket.request('slow')]);
    socket.close();
    log(`nginx 60 s idle, 15 s heartbeats, 75 s gaps: SSE ended with ${sse.at(-1)?.event} (${sse.filter((item) => item.event === 'message').length} tokens), WebSocket with ${frames.at(-1)?.event}, after ${Math.round((performance.now() - began) / 1000)} s`);
  } finally {
    await proxy.close();
    await gateway.close();
  }
}

async function cuttingHop(): Promise<void> {
  const redis = await TestRedis.start();
  const environment = { REDIS_URL: redis.url, LOG_LEVEL: 'warn' };
  const first = await startGateway(environment);
  const second = await startGateway(environment);
  const proxy = await startCuttingProxy([Number(new URL(first.url).port), Number(new URL(second.url).port)], 29_000);
  const began = performance.now();
  try {
    const events: SseItem[] = [];
    await collect(postSse(`${proxy.url}/v1/chat/stream`, { message: 'two minutes', simulate: { ttft_ms: 0, tokens_per_second: 1, output_tokens: 120 } }, first.headers), events);
    const requestId = events[0]!.data!.request_id as string;
    let connections = 1;
    while (!['done', 'error'].includes(events.at(-1)?.event ?? '') && connections < 20) {
      connections++;
      await collect(getSse(`${proxy.url}/v1/chat/stream/${requestId}`, { ...first.headers, 'last-event-id': `${requestId}:${seqOf(events.at(-1)!)}` }), events);
    }
    const seqs = events.map(seqOf);
    const exact = seqs.every((seq, index) => seq === index);
    log(`29 s hop, 120-token run at 1 token/s: ended with ${events.at(-1)?.event} after ${Math.round((performance.now() - began) / 1000)} s over ${connections} connections (instances ${[...new Set(proxy.routed)].length}), every event once in order: ${exact}`);
  } finally {
    await proxy.close();
    await first.close();
    await second.close();
    await redis.close();
  }
}

await Promise.all([idleTimeout(), cuttingHop()]);
