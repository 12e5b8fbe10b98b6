import assert from 'node:assert/strict';
import { test } from 'node:test';
import { titleFrom, touchSession, withListed, withoutSession } from './session-entries.js';

test('a touched session moves first and keeps its title; a new one takes the given title', () => {
  const listed = [
    { sessionId: 'b', title: 'Second', updatedAt: '2026-01-02T00:00:00Z' },
    { sessionId: 'a', title: 'First', updatedAt: '2026-01-01T00:00:00Z' },
  ];
  const touched = touchSession(listed, { sessionId: 'a', title: 'Later message', updatedAt: '2026-01-03T00:00:00Z' });
  assert.deepEqual(touched, [
    { sessionId: 'a', title: 'First', updatedAt: '2026-01-03T00:00:00Z' },
    { sessionId: 'b', title: 'Second', updatedAt: '2026-01-02T00:00:00Z' },
  ]);
  assert.deepEqual(
    touchSession(touched, { sessionId: 'c', title: 'Third', updatedAt: '2026-01-04T00:00:00Z' }).map((session) => session.title),
    ['Third', 'First', 'Second'],
  );
  assert.deepEqual(withoutSession(touched, 'a').map((session) => session.sessionId), ['b']);
});

test("the gateway's list comes under sessions started while it was read, and has the last word on the others", () => {
  const started = [{ sessionId: 'new', title: 'Just now', updatedAt: '2026-01-03T00:00:00Z' }, { sessionId: 'a', title: 'Mine', updatedAt: '2026-01-02T00:00:00Z' }];
  const listed = [{ sessionId: 'a', title: 'From the gateway', updatedAt: '2026-01-02T00:00:00Z' }, { sessionId: 'b', title: 'Older', updatedAt: '2026-01-01T00:00:00Z' }];
  assert.deepEqual(withListed(started, listed).map((session) => `${session.sessionId}:${session.title}`), ['new:Just now', 'a:From the gateway', 'b:Older']);
});

test('a title is one line of at most 60 characters', () => {
  assert.equal(titleFrom('  Hello\n  there  '), 'Hello there');
  assert.equal(titleFrom('x'.repeat(80)).length, 60);
  assert.equal(titleFrom('   '), 'New chat');
});
