import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, TEST_KEY, type TestGateway } from '../../test-support/start-gateway.js';
import { probeEntry, ProbeChatModel } from '../../test-support/probe-model.js';
import { SimulatorChatModel } from '../../providers/simulator/simulator-chat-model.js';
import { TestSocket } from '../../test-support/ws-client.js';

const ADMIN = 'sg-admin-test-key-0123456789abcdef';
const fast = { ttft_ms: 0, tokens_per_second: 0, output_tokens: 3 };
const simulator = { id: 'simulator', aliases: ['sim'], provider: 'simulator', upstreamModelId: 'simulator', model: new SimulatorChatModel({ ttftMs: 0, tokensPerSecond: 0 }) };

describe('admin API: /v1/admin/keys', () => {
  let harness: TestGateway;
  before(async () => {
    harness = await startGateway({ ADMIN_API_KEY: ADMIN, KEY_CACHE_SECONDS: '60' }, { models: [simulator, probeEntry(new ProbeChatModel({ tokens: 3 }))] });
  });
  after(() => harness.close());

  const admin = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    harness.gateway.app.inject({ method, url, headers: { 'x-api-key': ADMIN }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const chat = (key: string, body: Record<string, unknown> = {}) =>
    harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: { authorization: `Bearer ${key}` }, payload: { message: 'hi', simulate: fast, ...body } });
  const create = async (body: Record<string, unknown> = {}) => {
    const response = await admin('POST', '/v1/admin/keys', { name: 'app', owner: 'team-a', ...body });
    assert.equal(response.statusCode, 201, response.body);
    return response.json() as { key: { id: string; status: string; secrets: { hint: string }[] }; secret: string };
  };

  test('needs the admin credential: none is 401, an ordinary key is 403 forbidden', async () => {
    const none = await harness.gateway.app.inject({ method: 'GET', url: '/v1/admin/keys' });
    assert.equal(none.statusCode, 401);
    const ordinary = await harness.gateway.app.inject({ method: 'GET', url: '/v1/admin/keys', headers: { 'x-api-key': TEST_KEY } });
    assert.equal(ordinary.statusCode, 403);
    assert.equal(ordinary.json().error.code, 'forbidden');
    const { secret } = await create();
    const managed = await harness.gateway.app.inject({ method: 'POST', url: '/v1/admin/keys', headers: { 'x-api-key': secret }, payload: { name: 'x', owner: 'y' } });
    assert.equal(managed.json().error.code, 'forbidden');
  });

  test('creates a key whose secret is shown once and works at once; listing shows only its hint', async () => {
    const { key, secret } = await create({ name: 'reporting', owner: 'team-b', limits: { requests_per_window: 50 }, budget: { usd: 5, period: 'day' } });
    assert.match(secret, /^sgk_[\w-]{43}$/);
    assert.equal(key.status, 'active');
    assert.equal(key.secrets[0]!.hint, secret.slice(-4));
    assert.equal((await chat(secret)).statusCode, 200);
    const list = await admin('GET', '/v1/admin/keys?owner=team-b');
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(secret), 'the secret is never shown again');
    const listed = list.json().keys;
    assert.equal(listed.length, 1);
    assert.deepEqual([listed[0].name, listed[0].limits, listed[0].budget], ['reporting', { requests_per_window: 50 }, { usd: 5, period: 'day' }]);
    assert.equal((await admin('GET', `/v1/admin/keys/${key.id}`)).json().id, key.id);
    assert.equal((await admin('GET', '/v1/admin/keys/key_missing')).json().error.code, 'key_not_found');
  });

  test('revoked keys are refused at once with key_revoked', async () => {
    const { key, secret } = await create();
    assert.equal((await chat(secret)).statusCode, 200);
    const revoked = await admin('POST', `/v1/admin/keys/${key.id}/revoke`);
    assert.equal(revoked.json().status, 'revoked');
    const refused = await chat(secret);
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error.code, 'key_revoked');
    assert.equal((await admin('POST', `/v1/admin/keys/${key.id}/rotate`, {})).json().error.code, 'key_revoked');
    assert.ok(!(await admin('GET', '/v1/admin/keys')).json().keys.some((item: { id: string }) => item.id === key.id));
    assert.ok((await admin('GET', '/v1/admin/keys?include_revoked=true')).json().keys.some((item: { id: string }) => item.id === key.id));
  });

  test('a WebSocket opened before a revocation starts no new request after it, and closes with 4401', async () => {
    const { key, secret } = await create();
    const socket = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, { 'x-api-key': secret });
    socket.send({ message: 'before', request_id: 'before', simulate: fast });
    assert.equal((await socket.request('before')).at(-1)!.event, 'done');
    await admin('POST', `/v1/admin/keys/${key.id}/revoke`);
    socket.send({ message: 'after', request_id: 'after', simulate: fast });
    const [refused] = await socket.request('after');
    assert.deepEqual([refused!.event, refused!.code], ['error', 'key_revoked']);
    assert.deepEqual(await socket.closed, { code: 4401, reason: 'key_revoked' });
  });

  test('a WebSocket whose secret is rotated out starts no new request, and closes with 4401 key_expired', async () => {
    const { key, secret } = await create();
    const socket = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, { 'x-api-key': secret });
    socket.send({ message: 'before', request_id: 'before', simulate: fast });
    assert.equal((await socket.request('before')).at(-1)!.event, 'done');
    await admin('POST', `/v1/admin/keys/${key.id}/rotate`, { overlap_seconds: 0 });
    socket.send({ message: 'after', request_id: 'after', simulate: fast });
    const [refused] = await socket.request('after');
    assert.deepEqual([refused!.event, refused!.code], ['error', 'key_expired']);
    assert.match(String(refused!.message), /rotated out/);
    assert.deepEqual(await socket.closed, { code: 4401, reason: 'key_expired' });
  });

  test("an open WebSocket's next request follows the key as changed since: allowed models and limits", async () => {
    const { key, secret } = await create({ allowed_models: ['simulator'] });
    const socket = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, { 'x-api-key': secret });
    socket.send({ message: 'before', request_id: 'before', model: 'simulator', simulate: fast });
    assert.equal((await socket.request('before')).at(-1)!.event, 'done');
    await admin('PATCH', `/v1/admin/keys/${key.id}`, { allowed_models: ['probe'], limits: { requests_per_window: 4 } });
    socket.send({ message: 'simulator again', request_id: 'refused', model: 'simulator', simulate: fast });
    const [refused] = await socket.request('refused');
    assert.deepEqual([refused!.event, refused!.code], ['error', 'model_not_allowed']);
    socket.send({ message: 'the probe', request_id: 'probe', model: 'probe' });
    const probe = (await socket.request('probe')).at(-1)!;
    assert.equal(probe.event, 'done', `the socket stays open for what the key may still do: ${JSON.stringify(probe)}`);
    // The upgrade and three requests are in the window now: the new limit of 4 refuses the next.
    socket.send({ message: 'one too many', request_id: 'limited', model: 'probe' });
    const [limited] = await socket.request('limited');
    assert.deepEqual([limited!.event, limited!.code], ['error', 'rate_limited']);
    socket.close();
  });

  test('a WebSocket on a key that reaches its expires_at is closed with 4401 key_expired then', async () => {
    const expiresAt = Date.now() + 1500;
    const { secret } = await create({ expires_at: new Date(expiresAt).toISOString() });
    const socket = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, { 'x-api-key': secret });
    assert.deepEqual(await socket.closed, { code: 4401, reason: 'key_expired' });
    assert.ok(Date.now() >= expiresAt, 'not before the key expired');
  });

  test('rotation: the new secret works, the old one keeps working for the overlap, then is key_expired', async () => {
    const { key, secret: old } = await create();
    const overlapping = await admin('POST', `/v1/admin/keys/${key.id}/rotate`, { overlap_seconds: 3600 });
    assert.equal(overlapping.statusCode, 200, overlapping.body);
    const { secret: second, previous_secret_expires_at: until } = overlapping.json();
    assert.ok(Date.parse(until) > Date.now() + 3500_000);
    assert.equal((await chat(old)).statusCode, 200, 'the old secret works during the overlap');
    assert.equal((await chat(second)).statusCode, 200);
    const immediate = await admin('POST', `/v1/admin/keys/${key.id}/rotate`, { overlap_seconds: 0 });
    const third = immediate.json().secret;
    for (const retired of [old, second]) {
      const refused = await chat(retired);
      assert.equal(refused.statusCode, 401);
      assert.equal(refused.json().error.code, 'key_expired');
    }
    assert.equal((await chat(third)).statusCode, 200);
    assert.equal((await admin('GET', `/v1/admin/keys/${key.id}`)).json().secrets.length, 3);
  });

  test('a key past its expires_at is refused with key_expired', async () => {
    const { key, secret } = await create({ expires_at: new Date(Date.now() + 60_000).toISOString() });
    assert.equal((await chat(secret)).statusCode, 200);
    const updated = await admin('PATCH', `/v1/admin/keys/${key.id}`, { expires_at: new Date(Date.now() - 1000).toISOString() });
    assert.equal(updated.json().status, 'expired');
    assert.equal((await chat(secret)).json().error.code, 'key_expired');
  });

  test('allowed models: others are refused with model_not_allowed (aliases count), unknown models cannot be granted', async () => {
    const { key, secret } = await create({ allowed_models: ['simulator'] });
    assert.equal((await chat(secret)).statusCode, 200);
    assert.equal((await chat(secret, { model: 'sim' })).statusCode, 200);
    const refused = await chat(secret, { model: 'probe' });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'model_not_allowed');
    assert.equal((await admin('PATCH', `/v1/admin/keys/${key.id}`, { allowed_models: ['no-such-model'] })).json().error.code, 'model_not_found');
    assert.equal((await admin('PATCH', `/v1/admin/keys/${key.id}`, { allowed_models: null })).statusCode, 200);
    assert.equal((await chat(secret, { model: 'probe' })).statusCode, 200);
  });

  test('validates bodies', async () => {
    assert.equal((await admin('POST', '/v1/admin/keys', { name: '', owner: 'x' })).json().error.code, 'invalid_request');
    assert.equal((await admin('POST', '/v1/admin/keys', { name: 'x', owner: 'y', limits: { requests: 5 } })).json().error.code, 'invalid_request');
    assert.equal((await admin('POST', '/v1/admin/keys', { name: 'x', owner: 'y', budget: { usd: -1 } })).json().error.code, 'invalid_request');
  });

  test('the admin credential is not rate limited and can chat', async () => {
    assert.equal((await chat(ADMIN)).statusCode, 200);
  });
});
