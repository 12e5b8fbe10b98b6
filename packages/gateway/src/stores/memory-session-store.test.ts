import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemorySessionStore } from './memory-session-store.js';
import type { SessionTurn } from './session-store.js';

const turn = (content: string): SessionTurn => ({ role: 'user', content, createdAt: new Date().toISOString(), requestId: 'r1', status: 'complete' });

const kept = async (store: MemorySessionStore, ids: string[]) => {
  const present: string[] = [];
  for (const id of ids) if ((await store.recentTurns(id, 'owner', 1)).length > 0) present.push(id);
  return present;
};

test('eviction takes the least recently used session, after uses, deletes and re-inserts', async () => {
  const store = new MemorySessionStore({ maxSessions: 3, ttlSeconds: 3600 });
  for (const id of ['a', 'b', 'c']) await store.append(id, 'owner', [turn(id)]);
  await store.get('a', 'owner'); // b is now the oldest
  await store.append('d', 'owner', [turn('d')]);
  assert.equal(await store.get('b', 'owner'), undefined);
  assert.equal(await store.delete('c', 'owner'), true);
  await store.append('e', 'owner', [turn('e')]); // a, d, e: room for it
  await store.append('b', 'owner', [turn('b again')]); // a goes
  assert.equal(await store.get('a', 'owner'), undefined);
  // recentTurns uses each session in turn, so ask in the order the store already holds them.
  assert.deepEqual(await kept(store, ['d', 'e', 'b']), ['d', 'e', 'b']);
});

test('eviction stays in least-recently-used order across many sessions and a cleared store', async () => {
  const store = new MemorySessionStore({ maxSessions: 100, ttlSeconds: 3600 });
  await store.append('hot', 'owner', [turn('hot')]);
  // Enough churn for the Map to compact itself several times under the kept eviction iterator.
  for (let index = 0; index < 5000; index++) {
    await store.append(`s${index}`, 'owner', [turn(String(index))]);
    await store.recentTurns('hot', 'owner', 1);
  }
  assert.equal((await store.get('hot', 'owner'))?.turnCount, 1);
  assert.equal(await store.get('s4900', 'owner'), undefined);
  assert.equal((await store.get('s4901', 'owner'))?.turnCount, 1);
  assert.equal((await store.get('s4999', 'owner'))?.turnCount, 1);

  await store.close();
  for (let index = 0; index < 150; index++) await store.append(`t${index}`, 'owner', [turn(String(index))]);
  assert.equal(await store.get('t49', 'owner'), undefined);
  assert.equal((await store.get('t50', 'owner'))?.turnCount, 1);
});
