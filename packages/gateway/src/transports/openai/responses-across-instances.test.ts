import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { CapturingUsageSink } from '../../test-support/capture-usage.js';
import { ProbeChatModel, probeEntry } from '../../test-support/probe-model.js';
import { TestRedis } from '../../test-support/redis-server.js';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import { until } from '../../test-support/until.js';
import { collect, paced, readUntil, simulated, simulator } from '../../test-support/responses-stream-events.js';

describe('the Responses API across instances (two gateways, one real Redis)', () => {
  let redis: TestRedis;
  let first: TestGateway;
  let second: TestGateway;
  let onFirst: OpenAI;
  let onSecond: OpenAI;
  const usage = new CapturingUsageSink();
  const probe = new ProbeChatModel({ tokens: 1_000_000, intervalMs: 5 });

  before(async () => {
    redis = await TestRedis.start();
    const environment = { REDIS_URL: redis.url, SESSION_STORE: 'redis', STREAM_RESUME_GRACE_MS: '5000', HEARTBEAT_INTERVAL_MS: '1000', RATE_LIMIT_REQUESTS: '100000', LOG_LEVEL: 'warn' };
    first = await startGateway(environment, { models: [simulator, probeEntry(probe)], usage });
    second = await startGateway(environment, { models: [simulator, probeEntry(probe)], usage });
    onFirst = new OpenAI({ apiKey: first.key, baseURL: `${first.url}/v1`, maxRetries: 0, timeout: 10_000 });
    onSecond = new OpenAI({ apiKey: second.key, baseURL: `${second.url}/v1`, maxRetries: 0, timeout: 10_000 });
  });
  after(async () => {
    await first.close();
    await second.close();
    await redis.close();
  });

  test('a stream dropped on one instance resumes on the other after starting_after, every event once', async () => {
    const before = await readUntil(await onFirst.responses.create(simulated({ model: 'simulator', input: 'travel', stream: true as const }, paced)), 5);
    const created = before[0]!;
    assert.ok(created.type === 'response.created');
    const rest = await collect(await onSecond.responses.retrieve(created.response.id, { stream: true, starting_after: 5 }));
    const numbers = [...before, ...rest].map((event) => event.sequence_number);
    assert.deepEqual(numbers, numbers.map((_, index) => index));
    const completed = rest.at(-1)!;
    assert.ok(completed.type === 'response.completed');
    const done = rest.find((event) => event.type === 'response.output_text.done');
    assert.match(done?.type === 'response.output_text.done' ? done.text : '', /^You said: "travel"/);
    const requestId = created.response.id.replace(/^resp_/, '');
    await usage.waitFor((record) => record.requestId === requestId);
    assert.equal(usage.records.filter((record) => record.requestId === requestId).length, 1);
  });

  test('a background response started on one instance is polled, continued and cancelled from the other', async () => {
    const background = await onFirst.responses.create(simulated({ model: 'simulator', input: 'Hello', background: true }, { ...paced, output_tokens: 20 }));
    let polled = background;
    await until(async () => (polled = await onSecond.responses.retrieve(background.id)).status !== 'in_progress', 5_000, 'the background response to end');
    assert.equal(polled.status, 'completed');
    assert.match(polled.output_text, /^You said: "Hello"/);
    const next = await onSecond.responses.create({ model: 'simulator', input: 'Again', previous_response_id: background.id });
    assert.match(next.output_text, /This is turn 2\./);

    probe.abortedAt = undefined;
    const endless = await onFirst.responses.create({ model: 'probe', input: 'Never ending', background: true });
    await probe.started();
    const cancelled = await onSecond.responses.cancel(endless.id);
    assert.equal(cancelled.status, 'cancelled');
    await probe.aborted();
  });
});
