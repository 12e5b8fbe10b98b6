import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyFingerprint, SessionIndex, titleFrom } from './session-index.js';

function memoryStorage() {
  const values = new Map<string, string>();
  return {
    values,
    getItem: (name: string) => values.get(name) ?? null,
    setItem: (name: string, value: string) => void values.set(name, value),
    removeItem: (name: string) => void values.delete(name),
  };
}

test('saves sessions newest first, keeps the first title, removes', () => {
  const index = new SessionIndex(memoryStorage(), 'scope');
  index.save({ sessionId: 'a', title: 'First', updatedAt: '2026-01-01T00:00:00Z' });
  index.save({ sessionId: 'b', title: 'Second', updatedAt: '2026-01-02T00:00:00Z' });
  index.save({ sessionId: 'a', title: 'Later message', updatedAt: '2026-01-03T00:00:00Z' });
  assert.deepEqual(
    index.list().map((entry) => [entry.sessionId, entry.title]),
    [
      ['a', 'First'],
      ['b', 'Second'],
    ],
  );
  assert.deepEqual(index.remove('a').map((entry) => entry.sessionId), ['b']);
});

test('each key has its own list, filed under a hash, never the key', async () => {
  const storage = memoryStorage();
  const first = await keyFingerprint('sg-first-key');
  const second = await keyFingerprint('sg-second-key');
  assert.match(first!, /^[0-9a-f]{16}$/);
  assert.notEqual(first, second);
  new SessionIndex(storage, first!).save({ sessionId: 'a', title: 'Mine', updatedAt: '2026-01-01T00:00:00Z' });
  assert.deepEqual(new SessionIndex(storage, second!).list(), []);
  assert.ok(![...storage.values.keys(), ...storage.values.values()].some((text) => text.includes('sg-first-key')));
});

test('damaged storage reads as an empty list', () => {
  const storage = memoryStorage();
  storage.setItem('streamgate.sessions.scope', '{not json');
  assert.deepEqual(new SessionIndex(storage, 'scope').list(), []);
  storage.setItem('streamgate.sessions.scope', '[{"sessionId":1},{"sessionId":"x","title":"ok","updatedAt":"now"}]');
  assert.deepEqual(new SessionIndex(storage, 'scope').list(), [{ sessionId: 'x', title: 'ok', updatedAt: 'now' }]);
});

test('titles are one short line', () => {
  assert.equal(titleFrom('  Hello\n  there  '), 'Hello there');
  assert.equal(titleFrom('x'.repeat(100)).length, 60);
  assert.equal(titleFrom('   '), 'New chat');
});
