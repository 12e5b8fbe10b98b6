import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signJwt } from './test-support/jwks-server.js';
import { postSse } from './test-support/sse-client.js';
import { startGateway, TEST_KEY } from './test-support/start-gateway.js';
import { TestSocket } from './test-support/ws-client.js';

const ADMIN = 'sg-admin-security-scan-0123456789abcdef';
const JWT_SECRET = 'security-scan-jwt-secret-of-at-least-32-bytes';
const fast = { ttft_ms: 0, tokens_per_second: 0, output_tokens: 3 };

test('a scan of every log line finds no key, admin credential, managed secret, ticket or JWT, whatever happened', async () => {
  const harness = await startGateway({ ADMIN_API_KEY: ADMIN, JWT_SECRET, LOG_LEVEL: 'trace', RATE_LIMIT_REQUESTS: '30' });
  const secrets: string[] = [TEST_KEY, ADMIN, JWT_SECRET];
  try {
    const app = harness.gateway.app;
    // Managed keys: created, used, rotated, revoked, refused.
    const created = await app.inject({ method: 'POST', url: '/v1/admin/keys', headers: { 'x-api-key': ADMIN }, payload: { name: 'scan', owner: 'security' } });
    const managed = created.json().secret as string;
    secrets.push(managed);
    await app.inject({ method: 'POST', url: '/v1/chat', headers: { authorization: `Bearer ${managed}` }, payload: { message: 'hello', simulate: fast } });
    const rotated = await app.inject({ method: 'POST', url: `/v1/admin/keys/${created.json().key.id}/rotate`, headers: { 'x-api-key': ADMIN }, payload: { overlap_seconds: 0 } });
    secrets.push(rotated.json().secret);
    await app.inject({ method: 'POST', url: '/v1/chat', headers: { 'x-api-key': managed }, payload: { message: 'old secret', simulate: fast } });
    await app.inject({ method: 'POST', url: `/v1/admin/keys/${created.json().key.id}/revoke`, headers: { 'x-api-key': ADMIN } });
    await app.inject({ method: 'POST', url: '/v1/chat', headers: { 'x-api-key': rotated.json().secret }, payload: { message: 'revoked', simulate: fast } });
    // The admin API with an ordinary key; a wrong key; a key in a URL where it does not belong.
    await app.inject({ method: 'GET', url: '/v1/admin/keys', headers: { 'x-api-key': TEST_KEY } });
    await app.inject({ method: 'GET', url: `/v1/usage?api_key=${TEST_KEY}`, headers: { 'x-api-key': `${TEST_KEY}-wrong` } });
    // JWTs: accepted, expired, tampered.
    const jwt = await signJwt({ sub: 'scan-user', exp: Math.floor(Date.now() / 1000) + 60 }, new TextEncoder().encode(JWT_SECRET));
    const expired = await signJwt({ sub: 'scan-user', exp: Math.floor(Date.now() / 1000) - 600 }, new TextEncoder().encode(JWT_SECRET));
    secrets.push(jwt, expired, jwt.split('.')[2]!);
    for await (const item of postSse(`${harness.url}/v1/chat/stream`, { message: 'jwt', simulate: fast }, { authorization: `Bearer ${jwt}` })) void item;
    await app.inject({ method: 'GET', url: '/v1/usage', headers: { authorization: `Bearer ${expired}` } });
    await app.inject({ method: 'GET', url: '/v1/usage', headers: { authorization: `Bearer ${jwt}x` } });
    // Tickets: used, reused, over WebSocket, plus a failing request on the socket.
    const ticket = ((await (await fetch(`${harness.url}/v1/ws/tickets`, { method: 'POST', headers: { authorization: `Bearer ${jwt}` } })).json()) as { ticket: string }).ticket;
    secrets.push(ticket);
    const socket = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat?ticket=${ticket}`);
    socket.send({ message: 'over a ticket', request_id: 'w1', simulate: { ...fast, fail_after_tokens: 1 } });
    await socket.request('w1');
    socket.close();
    await assert.rejects(TestSocket.open(`${harness.wsUrl}/v1/ws/chat?ticket=${ticket}`));
    // Rate limited.
    for (let index = 0; index < 35; index++) await app.inject({ method: 'POST', url: '/api/v1/sessions', headers: { 'x-api-key': TEST_KEY } });
    await harness.gateway.engine.waitForIdle(1000);
    await harness.gateway.usage.flush();

    const raw = harness.rawLogs();
    assert.ok(raw.length > 10_000, 'the scan covers plenty of logging');
    for (const secret of secrets) {
      assert.ok(!raw.includes(secret), `a secret (${secret.slice(0, 6)}...) appears in the logs`);
    }
    assert.ok(!/sgk_[\w-]{20,}/.test(raw), 'no managed secret of any kind');
    assert.ok(!/wst_[\w-]{20,}/.test(raw), 'no ticket of any kind');
    assert.ok(!/eyJ[\w-]+\.eyJ[\w-]+/.test(raw), 'no JWT of any kind');
    assert.ok(raw.includes('[redacted]'), 'headers and URLs that carried secrets are logged redacted');
  } finally {
    await harness.close();
  }
});

test('stored keys are hashes: the key store never holds a secret', async () => {
  const harness = await startGateway({ ADMIN_API_KEY: ADMIN });
  try {
    const created = await harness.gateway.app.inject({ method: 'POST', url: '/v1/admin/keys', headers: { 'x-api-key': ADMIN }, payload: { name: 'hash', owner: 'o' } });
    const secret = created.json().secret as string;
    const stored = JSON.stringify(await harness.gateway.access.keys.store.list({ includeRevoked: true }));
    assert.ok(!stored.includes(secret));
    assert.ok(!stored.includes(secret.slice(4, 40)));
  } finally {
    await harness.close();
  }
});

test("a key that tries another key's data: sessions and usage are refused or invisible", async () => {
  const harness = await startGateway({ API_KEYS: `${TEST_KEY},sg-other-key-0123456789abcdef` });
  const other = { 'x-api-key': 'sg-other-key-0123456789abcdef' };
  try {
    const app = harness.gateway.app;
    const mine = await app.inject({ method: 'POST', url: '/v1/chat', headers: harness.headers, payload: { message: 'private', session_id: 'private-session', simulate: fast } });
    assert.equal(mine.statusCode, 200);
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await app.inject({ method, url: '/v1/sessions/private-session', headers: other });
      assert.equal(response.statusCode, 404);
      assert.equal(response.json().error.code, 'session_not_found');
    }
    const hijack = await app.inject({ method: 'POST', url: '/v1/chat', headers: other, payload: { message: 'let me in', session_id: 'private-session', simulate: fast } });
    assert.equal(hijack.json().error.code, 'session_not_found');
    const socket = await TestSocket.open(`${harness.wsUrl}/ws/sessions/private-session/chat`, other);
    socket.send({ message: 'let me in', request_id: 'x', simulate: fast });
    assert.equal((await socket.request('x'))[0]!.code, 'session_not_found');
    socket.close();
    const ownUsage = (await app.inject({ method: 'GET', url: '/v1/usage', headers: other })).json();
    assert.equal(ownUsage.totals.requests, 0, "the other key's usage does not include mine");
    const mineId = (await app.inject({ method: 'GET', url: '/v1/usage', headers: harness.headers })).json().key_id as string;
    assert.equal((await app.inject({ method: 'GET', url: `/v1/usage?key_id=${mineId}`, headers: other })).statusCode, 403);
    assert.equal((await app.inject({ method: 'GET', url: '/v1/sessions/private-session', headers: harness.headers })).json().turns.length, 2);
  } finally {
    await harness.close();
  }
});
