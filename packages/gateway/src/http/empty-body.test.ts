import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startGateway, type TestGateway } from '../test-support/start-gateway.js';

const ADMIN = 'sg-admin-empty-body-0123456789abcdef';
// What many HTTP helpers send on every request, body or not.
const json = { 'content-type': 'application/json' };

let harness: TestGateway;
before(async () => {
  harness = await startGateway({ ADMIN_API_KEY: ADMIN, RATE_LIMIT_REQUESTS: '0' });
});
after(async () => {
  await harness.close();
});

test('DELETE and GET with Content-Type: application/json and an empty body are served as if they had no body', async () => {
  const app = harness.gateway.app;
  const created = await app.inject({ method: 'POST', url: '/v1/chat', headers: harness.headers, payload: { message: 'keep me', simulate: { ttft_ms: 0, tokens_per_second: 0, output_tokens: 2 } } });
  const sessionId = created.json().session_id as string;
  for (const headers of [{ ...harness.headers, ...json }, { ...harness.headers, ...json, 'content-length': '0' }]) {
    const history = await app.inject({ method: 'GET', url: `/v1/sessions/${sessionId}`, headers });
    assert.equal(history.statusCode, 200);
    const listed = await app.inject({ method: 'GET', url: '/v1/sessions', headers });
    assert.equal(listed.statusCode, 200);
  }
  const deleted = await app.inject({ method: 'DELETE', url: `/v1/sessions/${sessionId}`, headers: { ...harness.headers, ...json }, payload: '' });
  assert.equal(deleted.statusCode, 200, deleted.body);
  assert.equal(deleted.json().deleted, true);
  const missing = await app.inject({ method: 'DELETE', url: '/v1/sessions/gone', headers: { ...harness.headers, ...json }, payload: '' });
  assert.equal(missing.json().error.code, 'session_not_found');
});

test("the same over a socket, as Node's fetch sends it", async () => {
  const response = await fetch(`${harness.url}/v1/sessions/never-made`, { method: 'DELETE', headers: { ...harness.headers, ...json }, body: '' });
  assert.equal(response.status, 404);
  assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'session_not_found');
});

test('POST routes that take no body, or an optional one, accept an empty JSON body', async () => {
  const app = harness.gateway.app;
  const session = await app.inject({ method: 'POST', url: '/api/v1/sessions', headers: { ...harness.headers, ...json }, payload: '' });
  assert.equal(session.statusCode, 201, session.body);
  const ticket = await app.inject({ method: 'POST', url: '/v1/ws/tickets', headers: { ...harness.headers, ...json }, payload: '' });
  assert.equal(ticket.statusCode, 201, ticket.body);
  const key = await app.inject({ method: 'POST', url: '/v1/admin/keys', headers: { 'x-api-key': ADMIN }, payload: { name: 'empty', owner: 'tests' } });
  const rotated = await app.inject({ method: 'POST', url: `/v1/admin/keys/${key.json().key.id}/rotate`, headers: { 'x-api-key': ADMIN, ...json }, payload: '' });
  assert.equal(rotated.statusCode, 200, rotated.body);
  const withoutBody = await app.inject({ method: 'POST', url: `/v1/admin/keys/${key.json().key.id}/rotate`, headers: { 'x-api-key': ADMIN } });
  assert.equal(withoutBody.statusCode, 200, `an optional body may be left out altogether: ${withoutBody.body}`);
});

test('a route that needs a body still refuses an empty one as malformed_json', async () => {
  for (const url of ['/v1/chat', '/v1/chat/stream', '/v1/chat/completions']) {
    const response = await harness.gateway.app.inject({ method: 'POST', url, headers: { ...harness.headers, ...json }, payload: '' });
    assert.equal(response.statusCode, 400, url);
    assert.equal(response.json().error.code, 'malformed_json', url);
  }
});
