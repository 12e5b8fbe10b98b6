import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { GatewayError } from '../errors.js';
import { redisFixture } from '../test-support/redis-server.js';
import { until } from '../test-support/until.js';
import { RedisSessionStore } from './redis-session-store.js';
import type { SessionTurn } from './session-store.js';

const turn = (content: string, role: SessionTurn['role'] = 'user'): SessionTurn => ({
  role,
  content,
  createdAt: new Date().toISOString(),
  requestId: 'r1',
  status: 'complete',
});

const { server, redis } = redisFixture();

let namespaces = 0;
const namespace = () => `streamgate:session:t${namespaces++}:`;

test('every key of a session expires SESSION_TTL_SECONDS after its last write, and a write renews it', async () => {
  const prefix = namespace();
  const store = new RedisSessionStore(redis(), { ttlSeconds: 60, prefix });
  await store.append('kept', 'owner', [turn('hello'), turn('hi', 'assistant')]);
  const keys = [`${prefix}id:kept`, `${prefix}id:kept:turns`, `${prefix}owner:owner`];
  for (const key of keys) {
    const ttl = await redis().pttl(key);
    assert.ok(ttl > 55_000 && ttl <= 60_000, `${key} expires in ${ttl} ms`);
  }
  // As if 55 s had passed without a word.
  for (const key of keys) await redis().pexpire(key, 5_000);
  await store.append('kept', 'owner', [turn('still there?')]);
  for (const key of keys) assert.ok((await redis().pttl(key)) > 55_000, `${key} renewed`);
  assert.equal((await store.get('kept', 'owner'))?.turnCount, 3);
});

test('a session past its TTL is gone: not read, not listed, and its id is free for anyone', async () => {
  const store = new RedisSessionStore(redis(), { ttlSeconds: 0.2, prefix: namespace() });
  await store.append('brief', 'alice', [turn('forget me')]);
  assert.equal((await store.list('alice', 10)).length, 1);
  await until(async () => (await store.get('brief', 'alice')) === undefined, 5_000, 'the session to expire');
  assert.deepEqual(await store.list('alice', 10), []);
  assert.deepEqual(await store.recentTurns('brief', 'alice', 10), []);
  assert.equal(await store.isWritable('brief', 'bob'), true);
  await store.append('brief', 'bob', [turn('mine now')]);
  assert.deepEqual((await store.get('brief', 'bob'))?.turns.map((item) => item.content), ['mine now']);
});

test('two instances appending to the same new session at once give it one owner and only that owner\'s turns', async () => {
  const prefix = namespace();
  const other = new Redis(server().url);
  try {
    const first = new RedisSessionStore(redis(), { ttlSeconds: 60, prefix });
    const second = new RedisSessionStore(other, { ttlSeconds: 60, prefix });
    const ids = Array.from({ length: 50 }, (_, index) => `race-${index}`);
    await Promise.all(ids.flatMap((id) => [first.append(id, 'alice', [turn('from alice')]), second.append(id, 'bob', [turn('from bob')])]));
    for (const id of ids) {
      const alices = await first.get(id, 'alice');
      const bobs = await second.get(id, 'bob');
      assert.ok((alices === undefined) !== (bobs === undefined), `${id} has exactly one owner`);
      const owned = (alices ?? bobs)!;
      assert.deepEqual(owned.turns.map((item) => item.content), [alices ? 'from alice' : 'from bob']);
    }
  } finally {
    await other.quit();
  }
});

test('list skips and forgets sessions another owner has taken since, and still fills the page', async () => {
  const prefix = namespace();
  const store = new RedisSessionStore(redis(), { ttlSeconds: 60, prefix });
  for (const id of ['a', 'b', 'c']) await store.append(id, 'owner', [turn(id)]);
  // b expired and someone else started a session with its id; the owner's index still names it.
  await redis().del(`${prefix}id:b`, `${prefix}id:b:turns`);
  await store.append('b', 'intruder', [turn('not yours')]);
  assert.deepEqual((await store.list('owner', 2)).map((item) => item.id), ['c', 'a']);
  assert.equal(await redis().zscore(`${prefix}owner:owner`, 'b'), null);
});

test('keeps at most maxTurns turns, the newest', async () => {
  const store = new RedisSessionStore(redis(), { ttlSeconds: 60, maxTurns: 3, prefix: namespace() });
  await store.append('long', 'owner', [turn('1'), turn('2')]);
  await store.append('long', 'owner', [turn('3'), turn('4')]);
  assert.deepEqual((await store.get('long', 'owner'))?.turns.map((item) => item.content), ['2', '3', '4']);
  assert.equal((await store.list('owner', 1))[0]?.title, '1', 'the title stays the first message');
});

test('while Redis cannot be reached, every operation fails with 503 dependency_unavailable and check() says why', async () => {
  // Never connected, and no offline queue: what the gateway's connection does during an outage.
  const unreachable = new Redis(server().url, { lazyConnect: true, enableOfflineQueue: false });
  const store = new RedisSessionStore(unreachable, { ttlSeconds: 60 });
  const unavailable = (error: unknown) => error instanceof GatewayError && error.code === 'dependency_unavailable' && error.status === 503;
  await assert.rejects(store.create('s', 'owner'), unavailable);
  await assert.rejects(store.list('owner', 10), unavailable);
  await assert.rejects(store.get('s', 'owner'), unavailable);
  await assert.rejects(store.isWritable('s', 'owner'), unavailable);
  await assert.rejects(store.recentTurns('s', 'owner', 10), unavailable);
  await assert.rejects(store.append('s', 'owner', [turn('lost')]), unavailable);
  await assert.rejects(store.delete('s', 'owner'), unavailable);
  await assert.rejects(store.check(), /enableOfflineQueue/);
  unreachable.disconnect();
});
