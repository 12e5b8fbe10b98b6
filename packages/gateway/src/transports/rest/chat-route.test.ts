import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, TEST_KEY, type TestGateway } from '../../test-support/start-gateway.js';

const fast = { ttft_ms: 0, tokens_per_second: 0 };

describe('POST /v1/chat', () => {
  let harness: TestGateway;
  before(async () => {
    harness = await startGateway({ BODY_LIMIT_BYTES: '4096' }, {}, { listen: false });
  });
  after(() => harness.close());

  const chat = (payload: unknown, headers: Record<string, string> = { 'x-api-key': TEST_KEY }) =>
    harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers, payload: payload as object });

  test('returns the whole reply, echoing the message, with usage and metrics', async () => {
    const response = await chat({ message: 'Hello, gateway', simulate: { ...fast, output_tokens: 12 } });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.match(body.message, /^You said: "Hello, gateway"\./);
    assert.equal(body.model, 'simulator');
    assert.equal(body.stop_reason, 'end_turn');
    assert.equal(body.usage.output_tokens, 12);
    assert.ok(body.usage.input_tokens > 0);
    assert.equal(typeof body.metrics.total_ms, 'number');
    assert.ok(body.metrics.ttft_ms <= body.metrics.total_ms);
    assert.match(body.session_id, /^[0-9a-f-]{36}$/);
    assert.equal(response.headers['x-request-id'], body.request_id);
  });

  test('keeps the conversation: the second turn is sent with the first as context', async () => {
    const first = (await chat({ message: 'first', simulate: fast })).json();
    const second = (await chat({ message: 'second', session_id: first.session_id, simulate: fast })).json();
    assert.equal(second.session_id, first.session_id);
    assert.match(second.message, /This is turn 2\./);
  });

  test('max_tokens cuts the reply and says so', async () => {
    const body = (await chat({ message: 'long', max_tokens: 3, simulate: { ...fast, output_tokens: 50 } })).json();
    assert.equal(body.usage.output_tokens, 3);
    assert.equal(body.stop_reason, 'max_tokens');
  });

  test('an unknown model is refused, naming the available ones', async () => {
    const response = await chat({ message: 'hi', model: 'gpt-17' });
    assert.equal(response.statusCode, 404);
    const { error } = response.json();
    assert.equal(error.code, 'model_not_found');
    assert.match(error.message, /Available models: simulator/);
    assert.deepEqual(error.details.available, ['simulator']);
  });

  test('a provider failure is a 502 upstream_error', async () => {
    const response = await chat({ message: 'hi', simulate: { ...fast, fail_after_tokens: 2 } });
    assert.equal(response.statusCode, 502);
    assert.equal(response.json().error.code, 'upstream_error');
  });

  const badBodies: [string, string | object, string, number][] = [
    ['malformed JSON', '{"message": "hi"', 'malformed_json', 400],
    ['an empty body', '', 'malformed_json', 400],
    ['a missing message', { session_id: 'abc' }, 'invalid_request', 400],
    ['an empty message', { message: '   ' }, 'invalid_request', 400],
    ['a message of the wrong type', { message: 42 }, 'invalid_request', 400],
    ['an unknown field', { message: 'hi', colour: 'blue' }, 'invalid_request', 400],
    ['a temperature out of range', { message: 'hi', temperature: 9 }, 'invalid_request', 400],
    ['a bad session id', { message: 'hi', session_id: '../etc/passwd' }, 'invalid_session_id', 400],
    ['a body over the limit', { message: 'x'.repeat(5000) }, 'payload_too_large', 413],
    ['a JSON array', [1, 2], 'invalid_request', 400],
  ];
  for (const [name, payload, code, status] of badBodies) {
    test(`${name} gets ${status} ${code}`, async () => {
      const response = await harness.gateway.app.inject({
        method: 'POST',
        url: '/v1/chat',
        headers: { 'x-api-key': TEST_KEY, 'content-type': 'application/json' },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });
      assert.equal(response.statusCode, status);
      const body = response.json();
      assert.equal(body.error.code, code);
      assert.equal(typeof body.error.message, 'string');
      assert.equal(body.error.request_id, response.headers['x-request-id']);
    });
  }

  test('a body that is not JSON gets 415', async () => {
    const response = await harness.gateway.app.inject({
      method: 'POST',
      url: '/v1/chat',
      headers: { 'x-api-key': TEST_KEY, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    assert.equal(response.statusCode, 415);
    assert.equal(response.json().error.code, 'unsupported_media_type');
  });

  test('validation problems name the field', async () => {
    const { error } = (await chat({ message: '' })).json();
    assert.match(error.message, /message/);
    assert.equal(error.details[0].path, 'body.message');
  });
});

describe('routing and auth', () => {
  let harness: TestGateway;
  before(async () => {
    harness = await startGateway({ API_KEYS: `${TEST_KEY},second-key-abcdefghijklmnop` }, {}, { listen: false });
  });
  after(() => harness.close());

  test('an unknown route is 404 not_found, with no key needed to learn it', async () => {
    const response = await harness.gateway.app.inject({ method: 'GET', url: '/v2/nothing' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.code, 'not_found');
  });

  test('a known route with the wrong method is 405 with Allow', async () => {
    const response = await harness.gateway.app.inject({ method: 'GET', url: '/v1/chat', headers: { 'x-api-key': TEST_KEY } });
    assert.equal(response.statusCode, 405);
    assert.equal(response.headers.allow, 'POST');
    assert.equal(response.json().error.code, 'method_not_allowed');
  });

  for (const [name, headers] of [
    ['no key', {}],
    ['a wrong key', { 'x-api-key': 'not-a-key' }],
    ['a wrong bearer', { authorization: 'Bearer not-a-key' }],
    ['a key one character short', { 'x-api-key': TEST_KEY.slice(0, -1) }],
  ] as const) {
    test(`${name} gets 401 unauthorized`, async () => {
      const response = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers, payload: { message: 'hi' } });
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, 'unauthorized');
      assert.match(String(response.headers['www-authenticate']), /^Bearer/);
    });
  }

  test('either configured key works, as X-API-Key or as a bearer token', async () => {
    for (const headers of [{ 'x-api-key': TEST_KEY }, { authorization: 'Bearer second-key-abcdefghijklmnop' }]) {
      const response = await harness.gateway.app.inject({
        method: 'POST',
        url: '/v1/chat',
        headers,
        payload: { message: 'hi', simulate: fast },
      });
      assert.equal(response.statusCode, 200);
    }
  });

  test('/health, /ready, /docs and /openapi.json need no key', async () => {
    for (const url of ['/health', '/ready', '/docs', '/openapi.json']) {
      const response = await harness.gateway.app.inject({ method: 'GET', url });
      assert.ok(response.statusCode < 400, `${url} answered ${response.statusCode}`);
    }
    const ready = (await harness.gateway.app.inject({ method: 'GET', url: '/ready' })).json();
    assert.equal(ready.status, 'ready');
    assert.equal(ready.checks.sessions.status, 'ok');
    assert.deepEqual(ready.providers.simulator.models, ['simulator']);
  });

  test('the OpenAPI document is generated from the schemas that validate requests', async () => {
    const document = (await harness.gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const chatBody = document.paths['/v1/chat'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(chatBody.required, ['message']);
    assert.equal(chatBody.properties.session_id.pattern, '^[A-Za-z0-9_-]{1,128}$');
    for (const path of ['/v1/chat/stream', '/v1/ws/chat', '/ws/sessions/{session_id}/chat', '/api/v1/sessions', '/v1/sessions/{session_id}', '/health', '/ready']) {
      assert.ok(document.paths[path], `${path} is documented`);
    }
    const html = await harness.gateway.app.inject({ method: 'GET', url: '/docs' });
    assert.match(html.headers['content-type'] as string, /text\/html/);
  });

  test('a caller-supplied X-Request-Id is kept when well-formed and replaced when not', async () => {
    const kept = await harness.gateway.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-123' } });
    assert.equal(kept.headers['x-request-id'], 'trace-123');
    const replaced = await harness.gateway.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id\u0001' } });
    assert.notEqual(replaced.headers['x-request-id'], 'bad id\u0001');
  });
});
