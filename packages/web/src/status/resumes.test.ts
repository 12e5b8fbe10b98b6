import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addResume } from './resumes.js';

test('resumes are counted, and the events replayed added up where the gateway said', () => {
  const once = addResume(undefined, { type: 'resumed', transport: 'sse', replayed: 4 });
  assert.deepEqual(once, { count: 1, replayed: 4 });
  assert.deepEqual(addResume(once, { type: 'resumed', transport: 'sse', replayed: 3 }), { count: 2, replayed: 7 });
  assert.deepEqual(addResume(undefined, { type: 'resumed', transport: 'websocket', replayed: null }), { count: 1, replayed: null });
});
