import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChatModel, ChatModelPart } from '../providers/chat-model.js';
import { SimulatorChatModel } from '../providers/simulator/simulator-chat-model.js';
import { TestRedis } from '../test-support/redis-server.js';
import { eventsOf, nextEvent } from '../test-support/reply-text.js';
import { postSse } from '../test-support/sse-client.js';
import { startGateway, type TestGateway } from '../test-support/start-gateway.js';
import { until } from '../test-support/until.js';
import { TestSocket } from '../test-support/ws-client.js';

const KEY = 'sg-sessions-key-0123456789abcdef';
const OTHER_KEY = 'sg-sessions-other-0123456789abcd';
const fast = { ttft_ms: 0, tokens_per_second: 0 };

interface Check {
  status: string;
  message?: string;
  details?: Record<string, unknown>;
}

const ready = async (harness: TestGateway) => {
  const response = await harness.gateway.app.inject({ method: 'GET', url: '/ready' });
  return { code: response.statusCode, sessions: (response.json() as { checks: Record<string, Check> }).checks.sessions! };
};

const chat = (harness: TestGateway, body: Record<string, unknown>, key = KEY) =>
  harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: { 'x-api-key': key }, payload: { simulate: fast, ...body } });

const history = async (harness: TestGateway, sessionId: string, key = KEY) => {
  const response = await harness.gateway.app.inject({ method: 'GET', url: `/v1/sessions/${sessionId}`, headers: { 'x-api-key': key } });
  return { code: response.statusCode, body: response.json() as { turns?: { role: string; content: string }[]; error?: { code: string } } };
};

describe('two gateway instances on one Redis', () => {
  let redis: TestRedis;
  let instances: TestGateway[];
  before(async () => {
    redis = await TestRedis.start();
    const environment = { API_KEYS: `${KEY},${OTHER_KEY}`, REDIS_URL: redis.url, SESSION_STORE: 'redis' };
    instances = [await startGateway(environment), await startGateway(environment)];
  });
  after(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await redis.close();
  });

  test('a conversation whose turns alternate between the instances keeps its whole history', async () => {
    for (let turn = 1; turn <= 4; turn++) {
      const response = await chat(instances[(turn - 1) % 2]!, { message: `question ${turn}`, session_id: 'trip' });
      assert.equal(response.statusCode, 200);
      // The simulator counts the user messages it was sent: the earlier turns, from either instance, reached it.
      assert.match(response.json().message, new RegExp(`This is turn ${turn}\\.`));
    }
    const [first, second] = [await history(instances[0]!, 'trip'), await history(instances[1]!, 'trip')];
    assert.equal(first.code, 200);
    assert.deepEqual(first.body, second.body);
    assert.deepEqual(
      first.body.turns!.filter((turn) => turn.role === 'user').map((turn) => turn.content),
      ['question 1', 'question 2', 'question 3', 'question 4'],
    );
    assert.equal(first.body.turns!.length, 8);
    const listed = await instances[1]!.gateway.app.inject({ method: 'GET', url: '/v1/sessions', headers: { 'x-api-key': KEY } });
    assert.deepEqual(
      listed.json().sessions.map((session: { session_id: string; title: string; turn_count: number }) => [session.session_id, session.title, session.turn_count]),
      [['trip', 'question 1', 8]],
    );
  });

  test('another key sees nothing of it on either instance and cannot write to it', async () => {
    await chat(instances[0]!, { message: 'mine', session_id: 'private' });
    for (const instance of instances) {
      const read = await history(instance, 'private', OTHER_KEY);
      assert.equal(read.code, 404);
      assert.equal(read.body.error?.code, 'session_not_found');
      const listed = await instance.gateway.app.inject({ method: 'GET', url: '/v1/sessions', headers: { 'x-api-key': OTHER_KEY } });
      assert.deepEqual(listed.json().sessions, []);
      const written = await chat(instance, { message: 'let me in', session_id: 'private' }, OTHER_KEY);
      assert.equal(written.statusCode, 404);
      assert.equal(written.json().error.code, 'session_not_found');
    }
    assert.equal((await history(instances[1]!, 'private')).body.turns!.length, 2);
  });

  test('a session deleted on one instance is gone on the other', async () => {
    await chat(instances[1]!, { message: 'short-lived', session_id: 'deleted' });
    const deleted = await instances[0]!.gateway.app.inject({ method: 'DELETE', url: '/v1/sessions/deleted', headers: { 'x-api-key': KEY } });
    assert.equal(deleted.statusCode, 200);
    assert.equal((await history(instances[1]!, 'deleted')).code, 404);
  });

  test('/ready on each instance names Redis as the session store', async () => {
    for (const instance of instances) assert.deepEqual(await ready(instance), { code: 200, sessions: { status: 'ok', details: { store: 'redis' } } });
  });
});

/** A model that streams one token, then waits for the test before it finishes. */
class GatedModel implements ChatModel {
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  release(): void {
    this.open();
  }

  async *stream(): AsyncGenerator<ChatModelPart> {
    yield { type: 'delta', text: 'first ' };
    await this.gate;
    yield { type: 'delta', text: 'last' };
    yield { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 2 } };
  }
}

describe('Redis outage', () => {
  let redis: TestRedis;
  before(async () => {
    redis = await TestRedis.start();
  });
  after(() => redis.close());

  const simulator = { id: 'simulator', provider: 'simulator', upstreamModelId: 'simulator', model: new SimulatorChatModel({ ttftMs: 0, tokensPerSecond: 0 }) };

  test('requests naming a session get 503 dependency_unavailable, others are served, and sessions return with Redis', async () => {
    const harness = await startGateway({ API_KEYS: KEY, REDIS_URL: redis.url, SESSION_STORE: 'redis' }, { models: [simulator] });
    try {
      assert.equal((await chat(harness, { message: 'before', session_id: 'kept' })).statusCode, 200);
      await redis.stop();
      await until(async () => (await ready(harness)).sessions.status === 'degraded', 5000, '/ready to report the outage');
      const during = await ready(harness);
      assert.equal(during.code, 200, 'still ready: requests without a session are served');
      assert.match(during.sessions.message!, /Redis is unreachable .*requests naming a session get 503 dependency_unavailable/);

      const named = await chat(harness, { message: 'again', session_id: 'kept' });
      assert.equal(named.statusCode, 503);
      assert.equal(named.json().error.code, 'dependency_unavailable');
      assert.match(named.json().error.message, /session store \(Redis\) is unavailable/);
      await assert.rejects(nextEvent(postSse(`${harness.url}/v1/chat/stream`, { message: 'streamed', session_id: 'kept', simulate: fast }, harness.headers)), (error: { status: number; body: { error: { code: string } } }) => {
        return error.status === 503 && error.body.error.code === 'dependency_unavailable';
      });
      const socket = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, harness.headers);
      socket.send({ message: 'over a socket', session_id: 'kept', request_id: 'ws-1', simulate: fast });
      const frames = await socket.request('ws-1');
      socket.close();
      assert.deepEqual(frames.map((frame) => [frame.event, frame.code]), [['error', 'dependency_unavailable']]);
      for (const [method, url] of [['GET', '/v1/sessions'], ['GET', '/v1/sessions/kept'], ['DELETE', '/v1/sessions/kept'], ['POST', '/api/v1/sessions']] as const) {
        const response = await harness.gateway.app.inject({ method, url, headers: harness.headers });
        assert.equal(response.statusCode, 503, `${method} ${url}`);
        assert.equal(response.json().error.code, 'dependency_unavailable');
      }

      const sessionless = await chat(harness, { message: 'no session' });
      assert.equal(sessionless.statusCode, 200);
      assert.match(sessionless.json().message, /^You said: "no session"\. This is turn 1\./);
      assert.ok(harness.logs.some((line) => line.msg === "the session store failed: this request's turns were not kept" && line.requestId === sessionless.headers['x-request-id']));

      await redis.start();
      await until(async () => (await ready(harness)).sessions.status === 'ok', 10_000, 'recovery');
      // The test Redis keeps nothing across a restart: the conversation starts again, and goes on.
      assert.match((await chat(harness, { message: 'one', session_id: 'after' })).json().message, /This is turn 1\./);
      assert.match((await chat(harness, { message: 'two', session_id: 'after' })).json().message, /This is turn 2\./);
    } finally {
      await harness.close();
    }
  });

  test('a reply whose turn cannot be kept in its session ends with an error event instead of done', async () => {
    const gated = new GatedModel();
    const harness = await startGateway({ API_KEYS: KEY, REDIS_URL: redis.url, SESSION_STORE: 'redis' }, { models: [simulator, { id: 'gated', provider: 'test', upstreamModelId: 'gated', model: gated }] });
    try {
      const stream = postSse(`${harness.url}/v1/chat/stream`, { message: 'hello', session_id: 'interrupted', model: 'gated' }, harness.headers);
      assert.equal((await nextEvent(stream))?.event, 'start');
      assert.deepEqual((await nextEvent(stream))?.data, { content: 'first ' });
      await redis.stop();
      gated.release();
      const rest = await eventsOf(stream);
      assert.deepEqual(rest.map((event) => event.event), ['message', 'error']);
      assert.equal(rest[1]!.data.code, 'dependency_unavailable');
      assert.equal(rest[1]!.data.retryable, true);
    } finally {
      await harness.close();
      await redis.start();
    }
  });
});
