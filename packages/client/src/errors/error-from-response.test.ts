import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorFromResponse } from './error-from-response.js';

test("a StreamGate error body gives the code, message, status, request id and Retry-After", async () => {
  const response = new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'Slow down.', request_id: 'r-9', details: { limit: 100 } } }), {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': '3' },
  });
  const error = await errorFromResponse(response, 'r-local');
  assert.equal(error.code, 'rate_limited');
  assert.equal(error.message, 'Slow down.');
  assert.equal(error.status, 429);
  assert.equal(error.requestId, 'r-9');
  assert.equal(error.retryAfterMs, 3000);
  assert.equal(error.retryable, true);
  assert.deepEqual(error.details, { limit: 100 });
});

test('an error page that is not StreamGate JSON is an http_error, retryable by its status', async () => {
  const badGateway = await errorFromResponse(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }), 'r-1');
  assert.equal(badGateway.code, 'http_error');
  assert.equal(badGateway.retryable, true);
  assert.equal(badGateway.requestId, 'r-1');
  assert.match(badGateway.message, /HTTP 502 Bad Gateway/);
  const forbidden = await errorFromResponse(new Response('nope', { status: 403 }), 'r-2');
  assert.equal(forbidden.retryable, false);
});
