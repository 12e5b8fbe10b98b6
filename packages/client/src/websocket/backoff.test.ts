import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, resolveReconnectOptions } from './backoff.js';

test('the wait doubles per attempt up to the cap', () => {
  const options = resolveReconnectOptions({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 });
  assert.deepEqual([0, 1, 2, 3, 4, 10, 1000].map((attempt) => backoffDelay(attempt, options)), [100, 200, 400, 800, 1000, 1000, 1000]);
});

test('jitter takes up to its share off the wait, never more', () => {
  const options = resolveReconnectOptions({ initialDelayMs: 1000, maxDelayMs: 1000, jitter: 0.5 });
  assert.equal(backoffDelay(0, options, () => 0), 1000);
  assert.equal(backoffDelay(0, options, () => 0.999_999), 500);
  assert.equal(backoffDelay(0, options, () => 0.5), 750);
});

test('defaults: 250 ms doubling to 10 s, half jittered, never giving up', () => {
  assert.deepEqual(resolveReconnectOptions(), {
    initialDelayMs: 250,
    maxDelayMs: 10_000,
    factor: 2,
    jitter: 0.5,
    maxAttempts: Number.POSITIVE_INFINITY,
  });
  assert.equal(resolveReconnectOptions({ jitter: 3 }).jitter, 1);
});
