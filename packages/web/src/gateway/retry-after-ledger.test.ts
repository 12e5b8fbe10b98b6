import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetryAfterLedger } from './retry-after-ledger.js';

test('keeps the wait of a rate_limited frame, read once', () => {
  const ledger = new RetryAfterLedger();
  ledger.observe(JSON.stringify({ event: 'error', request_id: 'r1', code: 'rate_limited', retryable: true, retry_after_ms: 4200 }));
  ledger.observe(JSON.stringify({ event: 'message', request_id: 'r2', content: 'retry_after_ms' }));
  ledger.observe('not json retry_after_ms');
  assert.equal(ledger.take('r1'), 4200);
  assert.equal(ledger.take('r1'), undefined);
  assert.equal(ledger.take('r2'), undefined);
});

test('holds a bounded number of waits', () => {
  const ledger = new RetryAfterLedger();
  for (let index = 0; index < 150; index++) ledger.record(`r${index}`, index);
  assert.equal(ledger.take('r0'), undefined);
  assert.equal(ledger.take('r149'), 149);
});
