import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ERROR_CODES } from '@streamgate/protocol';
import { ERROR_REGISTRY } from '../errors.js';
import { rawExchange, type RawReply } from '../test-support/raw-http.js';
import { startGateway, TEST_KEY, type TestGateway } from '../test-support/start-gateway.js';

let harness: TestGateway;
before(async () => {
  harness = await startGateway();
});
after(async () => {
  await harness.close();
});

/** The documented error shape, a registry code with its status, and the request id in the body and the header. */
function assertErrorShape(reply: RawReply, status: number, code: string, what: string): void {
  assert.equal(reply.status, status, `${what}: status`);
  assert.match(reply.headers['content-type'] ?? '', /^application\/json/, `${what}: content type`);
  const body = JSON.parse(reply.body) as { error: { code: string; message: string; request_id: string } };
  assert.deepEqual(Object.keys(body), ['error'], what);
  assert.equal(body.error.code, code, what);
  assert.ok((ERROR_CODES as readonly string[]).includes(body.error.code), `${what}: a registry code`);
  assert.equal(ERROR_REGISTRY[body.error.code as keyof typeof ERROR_REGISTRY].status, status, `${what}: the registry's status`);
  assert.ok(body.error.message.length > 0, what);
  assert.match(body.error.request_id, /^[\w-]{8,}$/, `${what}: a request id`);
  assert.equal(reply.headers['x-request-id'], body.error.request_id, `${what}: X-Request-Id`);
}

const parserCases: [string, string, number, string][] = [
  ['an unknown method', 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'malformed_request'],
  ['a negative Content-Length', 'POST /v1/chat HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400, 'malformed_request'],
  ['a duplicate Content-Length', 'POST /v1/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', 400, 'malformed_request'],
  ['Transfer-Encoding with Content-Length', 'POST /v1/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'malformed_request'],
  ['a CR injected into a header', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Injected: a\rb\r\n\r\n', 400, 'malformed_request'],
  ['an obs-fold header line', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n', 400, 'malformed_request'],
  ['an HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400, 'malformed_request'],
  ['a bad chunk size', 'POST /v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400, 'malformed_request'],
  ['headers over 16 KB', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`, 431, 'headers_too_large'],
];

test("what Node's HTTP parser refuses gets the error shape with a registry code, and the connection closes", async () => {
  for (const [what, request, status, code] of parserCases) {
    const reply = await rawExchange(harness.url, request);
    assertErrorShape(reply, status, code, what);
    assert.equal(reply.headers.connection, 'close', what);
  }
  const preface = JSON.parse((await rawExchange(harness.url, parserCases[6]![1])).body);
  assert.match(preface.error.message, /HTTP\/2/);
  const duplicate = JSON.parse((await rawExchange(harness.url, parserCases[2]![1])).body);
  assert.match(duplicate.error.message, /Duplicate Content-Length/, 'the message names what the parser found');
});

test('a bad percent-encoding is malformed_url in the error shape, before and after authentication', async () => {
  for (const path of ['/v1/sessions/%E0%A4%A', '/v1/chat/%zz', '/docs/%']) {
    const reply = await rawExchange(harness.url, `GET ${path} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${TEST_KEY}\r\nConnection: close\r\n\r\n`);
    assertErrorShape(reply, 400, 'malformed_url', path);
  }
  const injected = await harness.gateway.app.inject({ method: 'GET', url: '/v1/sessions/%E0%A4%A' });
  assert.equal(injected.json().error.code, 'malformed_url');
});

test('an over-long session id is invalid_session_id on every session route, never a bare 414', async () => {
  const long = 'a'.repeat(2000);
  for (const [method, url] of [
    ['GET', `/v1/sessions/${long}`],
    ['DELETE', `/v1/sessions/${long}`],
  ] as const) {
    const response = await harness.gateway.app.inject({ method, url, headers: harness.headers });
    assert.equal(response.statusCode, 400, `${method} ${url.slice(0, 20)}`);
    assert.equal(response.json().error.code, 'invalid_session_id');
  }
  const overSocket = await rawExchange(harness.url, `GET /v1/sessions/${'b'.repeat(10_000)} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${TEST_KEY}\r\nConnection: close\r\n\r\n`);
  assertErrorShape(overSocket, 400, 'invalid_session_id', 'a 10,000-character session id');
  const websocket = await harness.gateway.app.inject({ method: 'GET', url: `/ws/sessions/${long}/chat`, headers: harness.headers });
  assert.equal(websocket.json().error.code, 'invalid_session_id');
});

test('valid JSON with __proto__ or constructor.prototype is invalid_request naming the key, not malformed_json', async () => {
  for (const [payload, key] of [
    ['{"message":"hi","__proto__":{"admin":true}}', '__proto__'],
    ['{"message":"hi","simulate":{"__proto__":{"x":1}}}', '__proto__'],
    ['{"message":"hi","constructor":{"prototype":{"admin":true}}}', 'constructor.prototype'],
  ] as const) {
    const response = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: { ...harness.headers, 'content-type': 'application/json' }, payload });
    assert.equal(response.statusCode, 400, payload);
    const error = response.json().error;
    assert.equal(error.code, 'invalid_request', payload);
    assert.match(error.message, new RegExp(key.replace('.', '\\.')), payload);
    assert.equal(error.details[0].path, `body.${key}`);
  }
  const broken = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: { ...harness.headers, 'content-type': 'application/json' }, payload: '{"message":"hi",' });
  assert.equal(broken.json().error.code, 'malformed_json', 'JSON that does not parse is still malformed_json');
  // The OpenAI-compatible routes use the same codes in OpenAI's shape.
  const openAi = await harness.gateway.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { ...harness.headers, 'content-type': 'application/json' },
    payload: '{"model":"simulator","messages":[],"__proto__":{}}',
  });
  assert.equal(openAi.json().error.code, 'invalid_request');
});
