import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, TEST_KEY, type TestGateway } from '../../test-support/start-gateway.js';

const OTHER_KEY = 'another-key-0123456789abcdef';

describe('sessions API', () => {
  let harness: TestGateway;
  before(async () => {
    harness = await startGateway({ API_KEYS: `${TEST_KEY},${OTHER_KEY}` }, {}, { listen: false });
  });
  after(() => harness.close());

  const request = (method: 'GET' | 'POST' | 'DELETE', url: string, key = TEST_KEY, payload?: object) =>
    harness.gateway.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload ? { payload } : {}) });

  test('a created session collects each chat turn with roles, timestamps and status', async () => {
    const created = await request('POST', '/api/v1/sessions');
    assert.equal(created.statusCode, 201);
    const { session_id: sessionId } = created.json();
    const before = Date.now();
    for (const message of ['first question', 'second question']) {
      const response = await request('POST', '/v1/chat', TEST_KEY, { message, session_id: sessionId, simulate: { ttft_ms: 0, tokens_per_second: 0 } });
      assert.equal(response.statusCode, 200);
    }
    const session = (await request('GET', `/v1/sessions/${sessionId}`)).json();
    assert.equal(session.session_id, sessionId);
    assert.deepEqual(session.turns.map((turn: { role: string }) => turn.role), ['user', 'assistant', 'user', 'assistant']);
    assert.equal(session.turns[0].content, 'first question');
    assert.match(session.turns[1].content, /^You said: "first question"\./);
    assert.match(session.turns[3].content, /This is turn 2\./);
    assert.equal(session.turns[1].status, 'complete');
    assert.equal(session.turns[1].model, 'simulator');
    for (const turn of session.turns) assert.ok(Date.parse(turn.created_at) >= before - 1000);
  });

  test('POST /v1/sessions creates a session like POST /api/v1/sessions, so every session call shares the /v1 base URL', async () => {
    const created = await harness.gateway.app.inject({ method: 'POST', url: '/v1/sessions', headers: { 'x-api-key': TEST_KEY, 'content-type': 'application/json' }, payload: '' });
    assert.equal(created.statusCode, 201);
    const { session_id: sessionId, created_at: createdAt } = created.json();
    assert.ok(!Number.isNaN(Date.parse(createdAt)));
    assert.equal((await request('GET', `/v1/sessions/${sessionId}`)).json().session_id, sessionId);
    assert.equal((await request('GET', `/v1/sessions/${sessionId}`, OTHER_KEY)).statusCode, 404, 'it belongs to the key that created it');
    assert.ok((await request('POST', '/v1/sessions', 'not-a-key')).statusCode === 401);
    const documented = (await harness.gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    assert.ok(documented.paths['/v1/sessions'].post && documented.paths['/api/v1/sessions'].post, 'both are in the API reference');
  });

  test('DELETE clears the session; reading it afterwards is 404', async () => {
    const { session_id: sessionId } = (await request('POST', '/api/v1/sessions')).json();
    await request('POST', '/v1/chat', TEST_KEY, { message: 'hello', session_id: sessionId, simulate: { ttft_ms: 0, tokens_per_second: 0 } });
    const deleted = await request('DELETE', `/v1/sessions/${sessionId}`);
    assert.deepEqual(deleted.json(), { session_id: sessionId, deleted: true });
    const read = await request('GET', `/v1/sessions/${sessionId}`);
    assert.equal(read.statusCode, 404);
    assert.equal(read.json().error.code, 'session_not_found');
  });

  test("one key cannot read, delete or chat into another key's session", async () => {
    const { session_id: sessionId } = (await request('POST', '/api/v1/sessions')).json();
    assert.equal((await request('GET', `/v1/sessions/${sessionId}`, OTHER_KEY)).statusCode, 404);
    assert.equal((await request('DELETE', `/v1/sessions/${sessionId}`, OTHER_KEY)).statusCode, 404);
    const chat = await request('POST', '/v1/chat', OTHER_KEY, { message: 'let me in', session_id: sessionId });
    assert.equal(chat.statusCode, 404);
    assert.equal(chat.json().error.code, 'session_not_found');
    assert.equal((await request('GET', `/v1/sessions/${sessionId}`)).statusCode, 200);
  });

  test('GET /v1/sessions lists only the caller\'s sessions, most recently used first, with a title', async () => {
    const fast = { ttft_ms: 0, tokens_per_second: 0 };
    const other = await request('POST', '/v1/chat', OTHER_KEY, { message: 'not yours', simulate: fast });
    const older = (await request('POST', '/v1/chat', TEST_KEY, { message: 'the older conversation', simulate: fast })).json();
    const newer = (await request('POST', '/v1/chat', TEST_KEY, { message: 'the newer conversation', simulate: fast })).json();
    await request('POST', '/v1/chat', TEST_KEY, { message: 'a follow-up', session_id: older.session_id, simulate: fast });
    const { sessions } = (await request('GET', '/v1/sessions?limit=2')).json();
    assert.deepEqual(
      sessions.map((session: { session_id: string; title: string; turn_count: number }) => [session.session_id, session.title, session.turn_count]),
      [
        [older.session_id, 'the older conversation', 4],
        [newer.session_id, 'the newer conversation', 2],
      ],
    );
    const all = (await request('GET', '/v1/sessions')).json().sessions.map((session: { session_id: string }) => session.session_id);
    assert.ok(!all.includes(other.json().session_id));
    assert.equal((await request('GET', '/v1/sessions?limit=0')).statusCode, 400);
  });

  test('bad session ids are refused with invalid_session_id', async () => {
    for (const id of ['has space', 'x'.repeat(129), 'semi;colon']) {
      const response = await request('GET', `/v1/sessions/${encodeURIComponent(id)}`);
      assert.equal(response.statusCode, 400, id);
      assert.equal(response.json().error.code, 'invalid_session_id');
    }
  });

  test('an unknown session is 404', async () => {
    const response = await request('GET', '/v1/sessions/never-made');
    assert.equal(response.statusCode, 404);
  });
});
