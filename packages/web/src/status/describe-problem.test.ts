import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamGateError } from '@streamgate/client';
import { describeProblem } from './describe-problem.js';

test('a refused key asks for another', () => {
  const problem = describeProblem(new StreamGateError('unauthorized', 'A valid API key is required.', { status: 401 }));
  assert.equal(problem.kind, 'unauthorized');
  assert.equal(problem.retryable, false);
  assert.equal(describeProblem(new StreamGateError('key_revoked', 'Revoked.', { status: 401 })).kind, 'unauthorized');
});

test("a rate limit carries the error's wait", () => {
  const fromHeader = describeProblem(new StreamGateError('rate_limited', 'Too many requests.', { status: 429, retryAfterMs: 12_000 }));
  assert.equal(fromHeader.kind, 'rate_limited');
  assert.equal(fromHeader.retryAfterMs, 12_000);
  assert.equal(fromHeader.detail, 'Too many requests.');
  const fromSocket = describeProblem(new StreamGateError('rate_limited', 'Too many requests.', { retryAfterMs: 1500 }));
  assert.equal(fromSocket.retryAfterMs, 1500);
  const unknown = describeProblem(new StreamGateError('rate_limited', 'Too many.'));
  assert.equal(unknown.retryAfterMs, undefined);
  assert.match(unknown.detail, /Wait a moment/);
});

test('a failure after text arrived is an interruption that can be retried', () => {
  const problem = describeProblem(new StreamGateError('upstream_error', 'The model failed.'), { receivedText: true });
  assert.equal(problem.kind, 'interrupted');
  assert.equal(problem.retryable, true);
  assert.match(problem.detail, /kept/);
});

test('an unreachable gateway, directly or behind a proxy', () => {
  assert.equal(describeProblem(new StreamGateError('network_error', 'Could not be reached.')).kind, 'unreachable');
  assert.equal(describeProblem(new StreamGateError('http_error', 'Bad gateway.', { status: 502 })).kind, 'unreachable');
  assert.equal(describeProblem(new StreamGateError('http_error', 'Teapot.', { status: 418 })).kind, 'failed');
});

test('a stop is not an error, and other failures keep the gateway message', () => {
  assert.equal(describeProblem(new StreamGateError('cancelled', 'The request was cancelled.')).kind, 'cancelled');
  const other = describeProblem(new StreamGateError('model_not_found', 'No model "x".', { status: 404 }));
  assert.deepEqual([other.kind, other.title, other.detail], ['failed', 'Model not found', 'No model "x".']);
});
