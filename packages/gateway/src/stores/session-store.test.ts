import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { redisFixture } from '../test-support/redis-server.js';
import { MemorySessionStore } from './memory-session-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import type { SessionStore, SessionTurn } from './session-store.js';
import { SqliteSessionStore } from './sqlite-session-store.js';

const directory = mkdtempSync(path.join(tmpdir(), 'streamgate-sessions-'));
after(() => rmSync(directory, { recursive: true, force: true }));
const redis = redisFixture();

const turn = (role: SessionTurn['role'], content: string, requestId = 'r1'): SessionTurn => ({
  role,
  content,
  createdAt: new Date().toISOString(),
  requestId,
  status: 'complete',
});

let files = 0;
let namespaces = 0;
const stores: [string, () => SessionStore][] = [
  ['memory', () => new MemorySessionStore({ maxSessions: 100, ttlSeconds: 3600 })],
  ['sqlite', () => new SqliteSessionStore({ file: path.join(directory, `contract-${files++}.db`), ttlSeconds: 3600 })],
  // One Redis for all, as in production; each store its own keys, as each SQLite store its own file.
  ['redis', () => new RedisSessionStore(redis.redis(), { ttlSeconds: 3600, prefix: `streamgate:session:contract-${namespaces++}:` })],
];

for (const [name, make] of stores) {
  describe(`${name} session store`, () => {
    test('appends turns in order and returns the most recent ones, oldest first', async () => {
      const store = make();
      await store.append('s1', 'owner', [turn('user', 'one'), turn('assistant', 'two')]);
      await store.append('s1', 'owner', [turn('user', 'three'), turn('assistant', 'four')]);
      assert.deepEqual((await store.recentTurns('s1', 'owner', 3)).map((item) => item.content), ['two', 'three', 'four']);
      const session = await store.get('s1', 'owner');
      assert.equal(session?.turnCount, 4);
      assert.deepEqual(session?.turns.map((item) => item.role), ['user', 'assistant', 'user', 'assistant']);
      await store.close();
    });

    test("another owner's session is invisible and cannot be written or deleted", async () => {
      const store = make();
      await store.append('private', 'alice', [turn('user', 'secret')]);
      assert.equal(await store.get('private', 'mallory'), undefined);
      assert.deepEqual(await store.recentTurns('private', 'mallory', 10), []);
      assert.equal(await store.isWritable('private', 'mallory'), false);
      assert.equal(await store.delete('private', 'mallory'), false);
      await store.append('private', 'mallory', [turn('user', 'injected')]);
      assert.deepEqual((await store.get('private', 'alice'))?.turns.map((item) => item.content), ['secret']);
      await store.close();
    });

    test('lists the owner\'s live sessions, most recently used first, titled by the first user message', async () => {
      const store = make();
      await store.append('first', 'owner', [turn('user', 'x'.repeat(100)), turn('assistant', 'reply')]);
      await store.append('second', 'owner', [turn('user', 'second one')]);
      await store.append('theirs', 'other', [turn('user', 'not listed')]);
      await new Promise((resolve) => setTimeout(resolve, 2));
      await store.append('first', 'owner', [turn('user', 'later')]);
      const listed = await store.list('owner', 10);
      assert.deepEqual(listed.map((item) => [item.id, item.turnCount]), [['first', 3], ['second', 1]]);
      assert.equal(listed[0]!.title, 'x'.repeat(80));
      assert.deepEqual((await store.list('owner', 1)).map((item) => item.id), ['first']);
      await store.close();
    });

    test('a created session is listed with no turns and no title until its first user message', async () => {
      const store = make();
      assert.equal(await store.create('new', 'owner'), true);
      assert.deepEqual((await store.list('owner', 10)).map((item) => [item.id, item.turnCount, item.title]), [['new', 0, '']]);
      await store.append('new', 'owner', [turn('assistant', 'Hello, how can I help?')]);
      await store.append('new', 'owner', [turn('user', 'Plan a trip'), turn('assistant', 'Where to?')]);
      await store.append('new', 'owner', [turn('user', 'Lisbon')]);
      assert.deepEqual((await store.list('owner', 10)).map((item) => [item.id, item.turnCount, item.title]), [['new', 4, 'Plan a trip']]);
      assert.deepEqual(await store.recentTurns('new', 'owner', 0), []);
      assert.equal(await store.isWritable('never-made', 'owner'), true);
      await store.close();
    });

    test('create refuses a taken id; delete removes the history', async () => {
      const store = make();
      assert.equal(await store.create('fresh', 'owner'), true);
      assert.equal(await store.create('fresh', 'someone-else'), false);
      assert.equal((await store.get('fresh', 'owner'))?.turnCount, 0);
      await store.append('fresh', 'owner', [turn('user', 'hi')]);
      assert.equal(await store.delete('fresh', 'owner'), true);
      assert.equal(await store.get('fresh', 'owner'), undefined);
      assert.equal(await store.delete('fresh', 'owner'), false);
      await store.close();
    });
  });
}

test('sqlite sessions survive a restart', async () => {
  const file = path.join(directory, 'restart.db');
  const first = new SqliteSessionStore({ file, ttlSeconds: 3600 });
  await first.append('kept', 'owner', [turn('user', 'remember me'), turn('assistant', 'I will')]);
  await first.close();
  const second = new SqliteSessionStore({ file, ttlSeconds: 3600 });
  assert.deepEqual((await second.get('kept', 'owner'))?.turns.map((item) => item.content), ['remember me', 'I will']);
  await second.close();
});

test('the memory store forgets the least recently used session beyond its limit', async () => {
  const store = new MemorySessionStore({ maxSessions: 2, ttlSeconds: 3600 });
  await store.append('a', 'owner', [turn('user', 'a')]);
  await store.append('b', 'owner', [turn('user', 'b')]);
  await store.get('a', 'owner');
  await store.append('c', 'owner', [turn('user', 'c')]);
  assert.ok(await store.get('a', 'owner'));
  assert.equal(await store.get('b', 'owner'), undefined);
  assert.ok(await store.get('c', 'owner'));
});
