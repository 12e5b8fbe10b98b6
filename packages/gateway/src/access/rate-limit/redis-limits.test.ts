import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchGateway, type RunningGateway } from '../../test-support/gateway-process.js';
import { TestRedis } from '../../test-support/redis-server.js';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import { TestSocket } from '../../test-support/ws-client.js';
import { until } from '../../test-support/until.js';

const KEY = 'sg-redis-test-key-0123456789abcdef';
const fast = { ttft_ms: 0, tokens_per_second: 0, output_tokens: 2 };


const chat = (url: string, body: Record<string, unknown> = {}, key = KEY) =>
  fetch(`${url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ message: 'count me', simulate: fast, ...body }) });

describe('three gateway processes on one Redis', () => {
  let redis: TestRedis;
  let gateways: RunningGateway[];
  before(async () => {
    redis = await TestRedis.start();
    const environment = {
      API_KEYS: KEY,
      REDIS_URL: redis.url,
      SESSION_STORE: 'memory',
      KEY_STORE: 'memory',
      USAGE_STORE: 'memory',
      RATE_LIMIT_REQUESTS: '40',
      RATE_LIMIT_WINDOW: '10m',
      LOG_LEVEL: 'info',
    };
    gateways = await Promise.all([launchGateway(environment), launchGateway(environment), launchGateway(environment)]);
  });
  after(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await redis.close();
  });

  test('a limit of 40 per window admits exactly 40 of 150 requests sent at once across the three', async () => {
    const responses = await Promise.all(Array.from({ length: 150 }, (_, index) => chat(gateways[index % 3]!.url)));
    const statuses = responses.map((response) => response.status);
    await Promise.all(responses.map((response) => response.arrayBuffer()));
    assert.equal(statuses.filter((status) => status === 200).length, 40, `admitted: ${statuses.join(',')}`);
    assert.equal(statuses.filter((status) => status === 429).length, 110);
    // Each instance admitted some: the count really was shared, not per instance.
    const admittedBy = [0, 1, 2].map((instance) => statuses.filter((status, index) => index % 3 === instance && status === 200).length);
    assert.equal(admittedBy.reduce((sum, count) => sum + count, 0), 40);
    const refused = responses.find((response) => response.status === 429)!;
    assert.equal(refused.headers.get('ratelimit-limit'), '40');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
  });

  test('every instance reports shared (Redis) limits on /ready', async () => {
    for (const gateway of gateways) {
      const body = (await (await fetch(`${gateway.url}/ready`)).json()) as { checks: { rate_limits: { status: string; details: { backend: string } } } };
      assert.deepEqual([body.checks.rate_limits.status, body.checks.rate_limits.details.backend], ['ok', 'redis']);
    }
  });
});

describe('concurrency and tickets across instances', () => {
  let redis: TestRedis;
  let gateways: RunningGateway[];
  before(async () => {
    redis = await TestRedis.start();
    const environment = { API_KEYS: KEY, REDIS_URL: redis.url, SESSION_STORE: 'memory', KEY_STORE: 'memory', USAGE_STORE: 'memory', RATE_LIMIT_CONCURRENT_STREAMS: '4', LOG_LEVEL: 'info' };
    gateways = await Promise.all([launchGateway(environment), launchGateway(environment), launchGateway(environment)]);
  });
  after(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await redis.close();
  });

  test('at most 4 streams of a key run at once over all three instances', async () => {
    const controllers = Array.from({ length: 9 }, () => new AbortController());
    const slow = { ttft_ms: 60_000, tokens_per_second: 0 };
    const responses = await Promise.all(
      controllers.map((controller, index) =>
        fetch(`${gateways[index % 3]!.url}/v1/chat/stream`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': KEY },
          body: JSON.stringify({ message: 'hold', simulate: slow }),
          signal: controller.signal,
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 200).length, 4, statuses.join(','));
    assert.equal(statuses.filter((status) => status === 429).length, 5);
    // A dropped connection leaves a stream running for the resume grace: the client cancels, on any instance.
    for (const [index, response] of responses.entries()) {
      if (response.status !== 200) continue;
      const cancel = await fetch(`${gateways[(index + 1) % 3]!.url}/v1/requests/${response.headers.get('x-request-id')}/cancel`, { method: 'POST', headers: { 'x-api-key': KEY } });
      assert.equal(cancel.status, 200);
    }
    for (const controller of controllers) controller.abort();
    for (const response of responses) await response.body?.cancel().catch(() => undefined);
    // Slots come back when the streams end, wherever they ran.
    await until(async () => (await chat(gateways[1]!.url)).status === 200, 5000, 'a free slot');
  });

  test('a WebSocket ticket issued by one instance is good on another, exactly once', async () => {
    const issued = await fetch(`${gateways[0]!.url}/v1/ws/tickets`, { method: 'POST', headers: { 'x-api-key': KEY } });
    assert.equal(issued.status, 201);
    const { ticket } = (await issued.json()) as { ticket: string };
    const socket = await TestSocket.open(`${gateways[2]!.url.replace('http', 'ws')}/v1/ws/chat?ticket=${ticket}`);
    assert.equal((await socket.next(() => true)).event, 'connected');
    socket.close();
    await assert.rejects(TestSocket.open(`${gateways[1]!.url.replace('http', 'ws')}/v1/ws/chat?ticket=${ticket}`), (error: { status: number; body: string }) => {
      return error.status === 401 && JSON.parse(error.body).error.code === 'invalid_ticket';
    });
  });
});

describe('Redis outage', () => {
  let redis: TestRedis;
  before(async () => {
    redis = await TestRedis.start();
  });
  after(() => redis.close());

  const ready = async (harness: TestGateway) => {
    const response = await harness.gateway.app.inject({ method: 'GET', url: '/ready' });
    return { code: response.statusCode, body: response.json() as { status: string; checks: Record<string, { status: string; message?: string; details?: Record<string, unknown> }> } };
  };

  test('open (default): serves on a local limiter, says so on /ready, and goes back to Redis by itself', async () => {
    const harness = await startGateway({ REDIS_URL: redis.url, RATE_LIMIT_REQUESTS: '1000' });
    try {
      assert.deepEqual((await ready(harness)).body.checks.rate_limits!.status, 'ok');
      await redis.stop();
      await until(async () => (await ready(harness)).body.checks.rate_limits!.status === 'degraded', 5000, '/ready to report the outage');
      const during = await ready(harness);
      assert.equal(during.code, 200, 'still ready: it serves');
      assert.match(during.body.checks.rate_limits!.message!, /Redis is unreachable.*this instance only/);
      assert.equal(during.body.checks.rate_limits!.details!.backend, 'local');
      const served = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: harness.headers, payload: { message: 'during', simulate: fast } });
      assert.equal(served.statusCode, 200);
      assert.equal(served.headers['ratelimit-limit'], '1000', 'still limited, locally');
      await redis.start();
      await until(async () => (await ready(harness)).body.checks.rate_limits!.status === 'ok', 10_000, 'recovery');
      const after = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: harness.headers, payload: { message: 'after', simulate: fast } });
      assert.equal(after.statusCode, 200);
      assert.ok(harness.logs.some((line) => line.msg === 'Redis unreachable: rate limits fall back to this instance'));
      assert.ok(harness.logs.some((line) => line.msg === 'Redis reachable again: rate limits are shared'));
    } finally {
      await harness.close();
    }
  });

  test('closed: refuses limited requests with 503 dependency_unavailable and is not ready, until Redis returns', async () => {
    const harness = await startGateway({ REDIS_URL: redis.url, RATE_LIMIT_FAILURE_MODE: 'closed' });
    try {
      await redis.stop();
      await until(async () => (await ready(harness)).code === 503, 5000, '/ready to fail');
      assert.equal((await ready(harness)).body.checks.rate_limits!.status, 'error');
      const refused = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: harness.headers, payload: { message: 'x', simulate: fast } });
      assert.equal(refused.statusCode, 503);
      assert.equal(refused.json().error.code, 'dependency_unavailable');
      await redis.start();
      await until(async () => (await ready(harness)).code === 200, 10_000, 'recovery');
      const served = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: harness.headers, payload: { message: 'x', simulate: fast } });
      assert.equal(served.statusCode, 200);
    } finally {
      await harness.close();
    }
  });
});
