import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamGateError } from '../index.js';
import { startClientTestGateway } from '../test-support/test-gateway.js';

test("a WebSocket request over the rate limit fails rate_limited with the gateway's retry_after_ms", { timeout: 10_000 }, async (t) => {
  const gateway = await startClientTestGateway({ RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW: '60' });
  t.after(() => gateway.close());
  const connection = gateway.client().connection();
  await connection.ready();
  // The upgrade was request 1; two chat frames fit, the third does not.
  for (const message of ['one', 'two']) assert.equal((await connection.stream({ message }).result).status, 'complete');
  const stream = connection.stream({ message: 'three' });
  const events = [];
  for await (const event of stream) events.push(event);
  const result = await stream.result;
  assert.equal(result.status, 'failed');
  assert.ok(result.status === 'failed' && result.error instanceof StreamGateError);
  assert.equal(result.error.code, 'rate_limited');
  assert.equal(result.error.retryable, true);
  assert.equal(result.error.requestId, result.requestId);
  const wait = result.error.retryAfterMs;
  assert.ok(wait !== undefined && wait > 0 && wait <= 60_000, `retryAfterMs: ${wait}`);
  const last = events.at(-1);
  assert.ok(last?.type === 'error');
  assert.equal(last.error.retryAfterMs, wait);
  // The socket stays open for the next request once the window allows it.
  assert.equal(connection.state, 'open');
});
