import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { StreamGateError } from '../index.js';
import { startClientTestGateway, type ClientTestGateway } from '../test-support/test-gateway.js';

let gateway: ClientTestGateway;
before(async () => (gateway = await startClientTestGateway()));
after(() => gateway.close());

test('create, chat into, read and delete a session', { timeout: 10_000 }, async () => {
  const client = gateway.client();
  const created = await client.sessions.create();
  assert.ok(created.sessionId.length > 0);
  assert.ok(!Number.isNaN(Date.parse(created.createdAt)));
  assert.deepEqual((await client.sessions.get(created.sessionId)).turns, []);

  const reply = await client.chat({ message: 'Remember blue', sessionId: created.sessionId });
  await gateway.sessions.turnsStored(reply.requestId);
  const session = await client.sessions.get(created.sessionId);
  assert.equal(session.sessionId, created.sessionId);
  assert.deepEqual(
    session.turns.map(({ role, content, status, requestId }) => ({ role, content, status, requestId })),
    [
      { role: 'user', content: 'Remember blue', status: 'complete', requestId: reply.requestId },
      { role: 'assistant', content: reply.text, status: 'complete', requestId: reply.requestId },
    ],
  );
  assert.equal(session.turns[1]?.model, 'simulator');

  await client.sessions.delete(created.sessionId);
  const missing = await client.sessions.get(created.sessionId).catch((error: unknown) => error);
  assert.ok(missing instanceof StreamGateError);
  assert.equal(missing.code, 'session_not_found');
  assert.equal(missing.status, 404);
});

test("another key's session is not found", { timeout: 10_000 }, async () => {
  const other = await startClientTestGateway({ API_KEYS: 'sg-first-key-000000000000,sg-second-key-00000000000' });
  try {
    const { sessionId } = await other.client().sessions.create();
    const error = await other.client({ apiKey: 'sg-second-key-00000000000' }).sessions.get(sessionId).catch((caught: unknown) => caught);
    assert.ok(error instanceof StreamGateError && error.code === 'session_not_found');
  } finally {
    await other.close();
  }
});

test("list gives the key's sessions, most recently used first, with titles and turn counts", { timeout: 10_000 }, async () => {
  const keys = await startClientTestGateway({ API_KEYS: 'sg-lister-key-000000000000,sg-other-key-0000000000000' });
  try {
    const client = keys.client();
    const older = await client.sessions.create();
    const newer = await client.sessions.create();
    const reply = await client.chat({ message: 'What is blue?', sessionId: older.sessionId });
    await keys.sessions.turnsStored(reply.requestId);
    const listed = await client.sessions.list();
    assert.deepEqual(
      listed.map(({ sessionId, title, turnCount }) => ({ sessionId, title, turnCount })),
      [
        { sessionId: older.sessionId, title: 'What is blue?', turnCount: 2 },
        { sessionId: newer.sessionId, title: '', turnCount: 0 },
      ],
    );
    assert.ok(listed.every((session) => !Number.isNaN(Date.parse(session.createdAt)) && !Number.isNaN(Date.parse(session.updatedAt))));
    assert.deepEqual((await client.sessions.list({ limit: 1 })).map((session) => session.sessionId), [older.sessionId]);
    assert.deepEqual(await keys.client({ apiKey: 'sg-other-key-0000000000000' }).sessions.list(), []);
    const tooMany = await client.sessions.list({ limit: 501 }).catch((error: unknown) => error);
    assert.ok(tooMany instanceof StreamGateError && tooMany.status === 400, String(tooMany));
  } finally {
    await keys.close();
  }
});
