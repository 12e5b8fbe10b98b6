import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProbeChatModel, probeEntry } from '../../test-support/probe-model.js';
import { startGateway, TEST_KEY } from '../../test-support/start-gateway.js';
import { TestSocket } from '../../test-support/ws-client.js';
import { SimulatorChatModel } from '../../providers/simulator/simulator-chat-model.js';
import { MemoryLimitBackend } from './limit-backend.js';

const fast = { ttft_ms: 0, tokens_per_second: 0, output_tokens: 5 };
const simulator = { id: 'simulator', provider: 'simulator', upstreamModelId: 'simulator', model: new SimulatorChatModel({ ttftMs: 0, tokensPerSecond: 0 }) };
const ADMIN = 'sg-admin-rate-limit-test-0123456789';

describe('rate limits per key (memory)', () => {
  test('requests per window: RateLimit-* headers on every response, then 429 with Retry-After', async () => {
    const harness = await startGateway({ RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW: '1m' });
    try {
      const get = () => harness.gateway.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: harness.headers });
      const remaining: string[] = [];
      for (let index = 0; index < 3; index++) {
        const response = await get();
        assert.equal(response.statusCode, 201);
        assert.equal(response.headers['ratelimit-limit'], '3');
        assert.equal(response.headers['ratelimit-policy'], '3;w=60');
        remaining.push(response.headers['ratelimit-remaining'] as string);
      }
      assert.deepEqual(remaining, ['2', '1', '0']);
      const refused = await get();
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.json().error.code, 'rate_limited');
      assert.equal(refused.json().error.details.limit, 'requests');
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      assert.equal(refused.headers['ratelimit-remaining'], '0');
      // Another key has its own window.
      const other = await startGateway({ RATE_LIMIT_REQUESTS: '3', API_KEYS: `${TEST_KEY},second-key-0123456789` });
      try {
        for (let index = 0; index < 3; index++) await other.gateway.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: { 'x-api-key': TEST_KEY } });
        const second = await other.gateway.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: { 'x-api-key': 'second-key-0123456789' } });
        assert.equal(second.statusCode, 201);
      } finally {
        await other.close();
      }
    } finally {
      await harness.close();
    }
  });

  test('SSE responses carry the RateLimit headers too; the window slides (a slot frees when the oldest hit leaves it)', async () => {
    const harness = await startGateway({ RATE_LIMIT_REQUESTS: '2', RATE_LIMIT_WINDOW: '1' });
    try {
      const stream = () => fetch(`${harness.url}/v1/chat/stream`, { method: 'POST', headers: { ...harness.headers, 'content-type': 'application/json' }, body: JSON.stringify({ message: 'x', simulate: fast }) });
      const first = await stream();
      assert.equal(first.headers.get('ratelimit-remaining'), '1');
      assert.equal(first.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      await first.text();
      await (await stream()).text();
      const refused = await stream();
      assert.equal(refused.status, 429);
      const wait = Number(refused.headers.get('retry-after'));
      assert.equal(wait, 1);
      // The server's own answer says when; honouring it is the point of the header.
      await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 50));
      const again = await stream();
      assert.equal(again.status, 200);
      await again.text();
    } finally {
      await harness.close();
    }
  });

  test('WebSocket: each chat frame is a request; over the limit it is an error event rate_limited with retry_after_ms, and the socket stays open', async () => {
    const harness = await startGateway({ RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW: '60' });
    try {
      const client = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, harness.headers);
      // The upgrade was request 1; two frames fit, the third does not.
      for (const id of ['a', 'b']) {
        client.send({ message: 'hi', request_id: id, simulate: fast });
        assert.equal((await client.request(id)).at(-1)!.event, 'done');
      }
      client.send({ message: 'hi', request_id: 'c', simulate: fast });
      const [refused] = await client.request('c');
      assert.equal(refused!.event, 'error');
      assert.equal(refused!.code, 'rate_limited');
      assert.equal(refused!.retryable, true);
      assert.ok((refused!.retry_after_ms as number) > 0 && (refused!.retry_after_ms as number) <= 60_000);
      client.send({ type: 'ping' });
      assert.ok(await client.next((frame) => frame.event === 'pong'));
      client.close();
    } finally {
      await harness.close();
    }
  });

  test('concurrent streams per key, over every transport', async () => {
    const probe = new ProbeChatModel({ intervalMs: 5, tokens: 100_000 });
    const harness = await startGateway({ RATE_LIMIT_CONCURRENT_STREAMS: '2' }, { models: [simulator, probeEntry(probe)] });
    try {
      const client = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, harness.headers);
      client.send({ message: 'long', model: 'probe', request_id: 'one' });
      client.send({ message: 'long', model: 'probe', request_id: 'two' });
      await client.next((frame) => frame.request_id === 'two' && frame.event === 'start');
      await client.next((frame) => frame.request_id === 'one' && frame.event === 'start');
      const refused = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: harness.headers, payload: { message: 'third', simulate: fast } });
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.json().error.details.limit, 'concurrent_streams');
      assert.ok(Number(refused.headers['retry-after']) >= 1);
      client.send({ message: 'third', request_id: 'three', simulate: fast });
      assert.equal((await client.request('three'))[0]!.code, 'rate_limited');
      client.send({ type: 'cancel', request_id: 'one' });
      await client.request('one');
      // The slot is back as soon as the stream ends.
      const freed = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: harness.headers, payload: { message: 'now', simulate: fast } });
      assert.equal(freed.statusCode, 200);
      client.close();
    } finally {
      await harness.close();
    }
  });

  test('tokens per minute: once a key has used its tokens, streams are refused until the minute ends', async () => {
    const harness = await startGateway({ RATE_LIMIT_TOKENS_PER_MINUTE: '30' }, { models: [simulator] });
    try {
      const chat = () => harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: harness.headers, payload: { message: 'hello', simulate: { ...fast, output_tokens: 20 } } });
      assert.equal((await chat()).statusCode, 200);
      assert.equal((await chat()).statusCode, 200, 'under the limit when it starts, so it runs');
      const refused = await chat();
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.json().error.details.limit, 'tokens_per_minute');
      assert.ok(Number(refused.headers['retry-after']) <= 60);
    } finally {
      await harness.close();
    }
  });

  test('per-key limits from the admin API override the defaults; the admin credential is not limited', async () => {
    const harness = await startGateway({ ADMIN_API_KEY: ADMIN, RATE_LIMIT_REQUESTS: '100' });
    try {
      const created = await harness.gateway.app.inject({ method: 'POST', url: '/v1/admin/keys', headers: { 'x-api-key': ADMIN }, payload: { name: 'tight', owner: 'o', limits: { requests_per_window: 2, window_seconds: 30 } } });
      const secret = created.json().secret as string;
      const call = () => harness.gateway.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: { 'x-api-key': secret } });
      assert.equal((await call()).headers['ratelimit-policy'], '2;w=30');
      assert.equal((await call()).statusCode, 201);
      assert.equal((await call()).statusCode, 429);
      for (let index = 0; index < 5; index++) {
        const response = await harness.gateway.app.inject({ method: 'GET', url: '/v1/admin/keys', headers: { 'x-api-key': ADMIN } });
        assert.equal(response.statusCode, 200);
        assert.equal(response.headers['ratelimit-limit'], undefined);
      }
    } finally {
      await harness.close();
    }
  });

  test('per client address on routes without a key, and failed authentications count against it', async () => {
    const harness = await startGateway({ RATE_LIMIT_ANONYMOUS_REQUESTS: '3', RATE_LIMIT_REQUESTS: '100' });
    try {
      const health = () => harness.gateway.app.inject({ method: 'GET', url: '/openapi.json', remoteAddress: '192.0.2.1' });
      assert.equal((await health()).headers['ratelimit-limit'], '3');
      await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: { 'x-api-key': 'wrong-key' }, remoteAddress: '192.0.2.1', payload: {} });
      assert.equal((await health()).statusCode, 200);
      const refused = await health();
      assert.equal(refused.statusCode, 429);
      const guess = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: { 'x-api-key': 'another-guess' }, remoteAddress: '192.0.2.1', payload: {} });
      assert.equal(guess.statusCode, 429, 'guessing keys is limited too');
      assert.equal((await harness.gateway.app.inject({ method: 'GET', url: '/openapi.json', remoteAddress: '192.0.2.2' })).statusCode, 200, 'other addresses are not affected');
      for (const url of ['/health', '/ready']) {
        const probe = await harness.gateway.app.inject({ method: 'GET', url, remoteAddress: '192.0.2.1' });
        assert.equal(probe.statusCode, 200, `${url} is never rate limited: a load balancer's health checks share its address`);
        assert.equal(probe.headers['ratelimit-limit'], undefined);
      }
      assert.equal((await harness.gateway.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: harness.headers, remoteAddress: '192.0.2.1' })).statusCode, 201, 'a valid key uses its own limit');
    } finally {
      await harness.close();
    }
  });
});

test('the memory backend: sliding window, minute token counts, leases that lapse', async () => {
  let now = 1_000_000;
  const backend = new MemoryLimitBackend(() => now);
  try {
    assert.deepEqual(await backend.hit('b', 2, 1000), { allowed: true, count: 1, resetMs: 1000 });
    now += 400;
    assert.equal((await backend.hit('b', 2, 1000)).allowed, true);
    const refused = await backend.hit('b', 2, 1000);
    assert.deepEqual(refused, { allowed: false, count: 2, resetMs: 600 });
    now += 600;
    assert.equal((await backend.hit('b', 2, 1000)).allowed, true, 'the first hit left the window');
    await backend.addTokens('t', 10);
    assert.equal((await backend.tokens('t')).used, 10);
    now += 60_000;
    assert.equal((await backend.tokens('t')).used, 0);
    assert.equal((await backend.acquire('c', 'l1', 1, 100)).allowed, true);
    assert.equal((await backend.acquire('c', 'l2', 1, 100)).allowed, false);
    now += 101;
    assert.equal((await backend.acquire('c', 'l2', 1, 100)).allowed, true, 'a lease that was not renewed lapses');
  } finally {
    backend.close();
  }
});
