import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startCuttingProxy } from '../test-support/cutting-proxy.js';
import { launchGateway } from '../test-support/gateway-process.js';
import { startNginxProxy } from '../test-support/nginx-proxy.js';
import { ProbeChatModel, probeEntry } from '../test-support/probe-model.js';
import { TestRedis } from '../test-support/redis-server.js';
import { getSse, postSse, readEvents, readUntilSeq, seqOf, sseText, type SseItem } from '../test-support/sse-client.js';
import { startGateway, TEST_KEY, type TestGateway } from '../test-support/start-gateway.js';
import { TestSocket } from '../test-support/ws-client.js';


/** Reads a stream until it ends, whether with its last event or because a hop cut it (a cut is not an error here). */
async function readWhatArrives(items: AsyncGenerator<SseItem>, into: SseItem[]): Promise<void> {
  try {
    for await (const item of items) if (item.kind === 'event') into.push(item);
  } catch {
    // The connection was cut mid-body: what arrived is in `into`.
  }
}

/** Like a client SDK: start, and after every cut resume from the last event seen, until `done` or `error`. */
async function streamToTheEnd(baseUrl: string, body: unknown, headers: Record<string, string>, maxConnections: number): Promise<{ events: SseItem[]; connections: number }> {
  const events: SseItem[] = [];
  await readWhatArrives(postSse(`${baseUrl}/v1/chat/stream`, body, headers), events);
  let connections = 1;
  const requestId = events[0]!.data!.request_id as string;
  while (!['done', 'error'].includes(events.at(-1)?.event ?? '') && connections < maxConnections) {
    connections++;
    await readWhatArrives(getSse(`${baseUrl}/v1/chat/stream/${requestId}`, { ...headers, 'last-event-id': `${requestId}:${seqOf(events.at(-1)!)}` }), events);
  }
  return { events, connections };
}

describe('long runs through an ALB-like proxy (nginx, idle timeout 1 s, silent gaps of 1.5 s)', () => {
  let beating: TestGateway;
  let silent: TestGateway;
  const slow = new ProbeChatModel({ tokens: 3, intervalMs: 1500 });

  before(async () => {
    beating = await startGateway({ HEARTBEAT_INTERVAL_MS: '300' }, { models: [probeEntry(slow)] });
    silent = await startGateway({ HEARTBEAT_INTERVAL_MS: '60000' }, { models: [probeEntry(slow)] });
  });
  after(async () => {
    await beating.close();
    await silent.close();
  });

  test('heartbeats carry SSE and WebSocket streams across gaps longer than the idle timeout; without them nginx cuts the stream', async () => {
    const proxy = await startNginxProxy(Number(new URL(beating.url).port), 1);
    const unprotected = await startNginxProxy(Number(new URL(silent.url).port), 1);
    try {
      const overSse = async () => {
        const events: SseItem[] = [];
        await readWhatArrives(postSse(`${proxy.url}/v1/chat/stream`, { message: 'slow agent', model: 'probe' }, beating.headers), events);
        return events;
      };
      const overWebSocket = async () => {
        const socket = await TestSocket.open(`${proxy.url.replace('http', 'ws')}/v1/ws/chat`, beating.headers);
        socket.send({ message: 'slow agent', model: 'probe', request_id: 'slow' });
        const frames = await socket.request('slow');
        socket.close();
        return frames;
      };
      const cutShort = async () => {
        const events: SseItem[] = [];
        await readWhatArrives(postSse(`${unprotected.url}/v1/chat/stream`, { message: 'slow agent', model: 'probe' }, silent.headers), events);
        return events;
      };
      const [sse, websocket, cut] = await Promise.all([overSse(), overWebSocket(), cutShort()]);
      assert.equal(sse.at(-1)!.event, 'done');
      assert.equal(sse.filter((event) => event.event === 'message').length, 3);
      assert.equal(websocket.at(-1)!.event, 'done');
      assert.notEqual(cut.at(-1)?.event, 'done', 'the control: with no heartbeat, nginx cut the silent stream');
    } finally {
      await proxy.close();
      await unprotected.close();
    }
  });
});

describe('long runs through hops that cut every connection, on two instances sharing Redis', () => {
  let redis: TestRedis;
  let first: TestGateway;
  let second: TestGateway;

  before(async () => {
    redis = await TestRedis.start();
    const environment = { REDIS_URL: redis.url, STREAM_RESUME_GRACE_MS: '5000' };
    first = await startGateway(environment);
    second = await startGateway(environment);
  });
  after(async () => {
    await first.close();
    await second.close();
    await redis.close();
  });

  test('a run longer than the hop arrives whole and once by resuming, alternately on both instances', async () => {
    const proxy = await startCuttingProxy([Number(new URL(first.url).port), Number(new URL(second.url).port)], 400);
    try {
      // 60 tokens at 40/s: 1.5 s through a hop that cuts at 0.4 s.
      const body = { message: 'long run', simulate: { ttft_ms: 0, tokens_per_second: 40, output_tokens: 60 } };
      const { events, connections } = await streamToTheEnd(proxy.url, body, first.headers, 20);
      assert.equal(events.at(-1)!.event, 'done');
      const seqs = events.map(seqOf);
      assert.deepEqual(seqs, seqs.map((_, index) => index), 'every event once, in order');
      assert.ok(connections >= 3, `resumed over ${connections} connections`);
      assert.ok(new Set(proxy.routed).size === 2, 'both instances served it');
      const whole = await first.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: first.headers, payload: { ...body, simulate: { ...body.simulate, tokens_per_second: 0 } } });
      assert.equal(sseText(events), whole.json().message);
    } finally {
      await proxy.close();
    }
  });
});

describe('a deploy: SIGTERM to the instance that holds the connection (Redis shared)', () => {
  let redis: TestRedis;
  let survivor: TestGateway;
  const directory = mkdtempSync(path.join(tmpdir(), 'streamgate-deploy-'));

  before(async () => {
    redis = await TestRedis.start();
    survivor = await startGateway({ REDIS_URL: redis.url });
  });
  after(async () => {
    await survivor.close();
    await redis.close();
    rmSync(directory, { recursive: true, force: true });
  });

  test('the draining instance lets the client go at once, finishes the model call into Redis, and the client resumes on the other instance with nothing lost', async () => {
    const draining = await launchGateway({ API_KEYS: TEST_KEY, REDIS_URL: redis.url, DATA_DIR: directory, DRAIN_TIMEOUT_MS: '10000' });
    const events: SseItem[] = [];
    const body = { message: 'deploy me', simulate: { ttft_ms: 0, tokens_per_second: 40, output_tokens: 60 } };
    let signalledAt = 0;
    for await (const item of postSse(`${draining.url}/v1/chat/stream`, body, { 'x-api-key': TEST_KEY })) {
      if (item.kind !== 'event') continue;
      events.push(item);
      if (events.length === 5) {
        draining.child.kill('SIGTERM');
        signalledAt = performance.now();
      }
    }
    const letGoAfterMs = performance.now() - signalledAt;
    assert.notEqual(events.at(-1)!.event, 'done', 'the draining instance ended the response before the run finished');
    assert.ok(letGoAfterMs < 1000, `the client was let go ${letGoAfterMs} ms after SIGTERM, not after the run`);
    const requestId = events[0]!.data!.request_id as string;
    const rest: SseItem[] = [];
    await readWhatArrives(getSse(`${survivor.url}/v1/chat/stream/${requestId}`, { 'x-api-key': TEST_KEY, 'last-event-id': `${requestId}:${seqOf(events.at(-1)!)}` }), rest);
    const all = [...events, ...rest];
    assert.equal(all.at(-1)!.event, 'done');
    const seqs = all.map(seqOf);
    assert.deepEqual(seqs, seqs.map((_, index) => index));
    assert.equal(await draining.exited, 0, 'the draining instance exits 0 once its model call has finished');
  });
});
