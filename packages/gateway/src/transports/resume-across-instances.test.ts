import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CapturingUsageSink } from '../test-support/capture-usage.js';
import { ProbeChatModel, probeEntry } from '../test-support/probe-model.js';
import { TestRedis } from '../test-support/redis-server.js';
import { getSse, postSse, readEvents, readUntilSeq, seqOf, sseText, type SseItem } from '../test-support/sse-client.js';
import { startGateway, type TestGateway } from '../test-support/start-gateway.js';
import { TestSocket, type Frame } from '../test-support/ws-client.js';
import { SimulatorChatModel } from '../providers/simulator/simulator-chat-model.js';

const simulator = { id: 'simulator', provider: 'simulator', upstreamModelId: 'simulator', model: new SimulatorChatModel({ ttftMs: 0, tokensPerSecond: 0 }) };
const paced = { ttft_ms: 0, tokens_per_second: 100, output_tokens: 40 };

describe('resuming on another instance (two gateways, one real Redis)', () => {
  let redis: TestRedis;
  let first: TestGateway;
  let second: TestGateway;
  const usage = new CapturingUsageSink();
  const probe = new ProbeChatModel({ tokens: 1_000_000, intervalMs: 5 });

  before(async () => {
    redis = await TestRedis.start();
    const environment = { REDIS_URL: redis.url, STREAM_RESUME_GRACE_MS: '300', HEARTBEAT_INTERVAL_MS: '1000' };
    first = await startGateway(environment, { models: [simulator, probeEntry(probe)], usage });
    second = await startGateway(environment, { models: [simulator, probeEntry(probe)], usage });
  });
  after(async () => {
    await first.close();
    await second.close();
    await redis.close();
  });

  test('SSE started on one instance resumes on the other: every event once, one usage record', async () => {
    const controller = new AbortController();
    const before = await readUntilSeq(postSse(`${first.url}/v1/chat/stream`, { message: 'travel', simulate: paced }, first.headers, controller.signal), controller, 4);
    const requestId = before[0]!.data!.request_id as string;
    const after = await readEvents(getSse(`${second.url}/v1/chat/stream/${requestId}`, { ...second.headers, 'last-event-id': `${requestId}:4` }));
    const seqs = [...before, ...after].map(seqOf);
    assert.deepEqual(seqs, seqs.map((_, index) => index), 'in order, nothing missing or repeated');
    assert.equal(after.at(-1)!.event, 'done');
    assert.match(sseText([...before, ...after]), /^You said: "travel"/);
    await usage.waitFor((record) => record.requestId === requestId);
    assert.equal(usage.records.filter((record) => record.requestId === requestId).length, 1);
  });

  test('a follower on the other instance keeps the run alive past the grace, and a WebSocket resumes there too', async () => {
    const socket = await TestSocket.open(`${first.wsUrl}/v1/ws/chat`, first.headers);
    // 60 tokens at 50/s: 1.2 s, four times the 300 ms grace.
    socket.send({ message: 'long way', request_id: 'hop', simulate: { ttft_ms: 0, tokens_per_second: 50, output_tokens: 60 } });
    await socket.next((frame) => frame.request_id === 'hop' && frame.seq === 2);
    const before = socket.frames.filter((frame: Frame) => frame.request_id === 'hop');
    socket.socket.terminate();
    const other = await TestSocket.open(`${second.wsUrl}/v1/ws/chat`, second.headers);
    other.send({ type: 'resume', request_id: 'hop', after_seq: Math.max(...before.map((frame: Frame) => frame.seq as number)) });
    const [resumed, ...after] = await other.request('hop');
    assert.equal(resumed!.event, 'resumed');
    const seqs = [...before, ...after].map((frame: Frame) => frame.seq as number);
    assert.deepEqual(seqs, seqs.map((_, index) => index));
    assert.equal(after.at(-1)!.event, 'done', `ended with ${JSON.stringify(after.at(-1))}`);
    other.close();
  });

  test('a cancel sent to the other instance stops the model call where it runs', async () => {
    const controller = new AbortController();
    const items = postSse(`${first.url}/v1/chat/stream`, { message: 'stop me', model: 'probe', background: true }, first.headers, controller.signal);
    const start = (await items.next()).value as SseItem;
    const requestId = start.data!.request_id as string;
    controller.abort();
    probe.abortedAt = undefined;
    const cancel = await fetch(`${second.url}/v1/requests/${requestId}/cancel`, { method: 'POST', headers: second.headers });
    assert.equal(cancel.status, 200, await cancel.text());
    await probe.aborted();
    const record = await usage.waitFor((entry) => entry.requestId === requestId);
    assert.equal(record.outcome, 'cancelled');
    const status = await second.gateway.app.inject({ method: 'GET', url: `/v1/requests/${requestId}`, headers: second.headers });
    assert.deepEqual([status.json().status, status.json().error.code], ['failed', 'cancelled']);
  });
});
