import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatStreamEvent } from './chat-stream-event.js';
import { ChatStreamController } from './chat-stream.js';

const done = { type: 'done', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 2 }, metrics: { ttftMs: 1, totalMs: 2, outputTokensPerSecond: 1000 } } as const;

test('events pushed before anyone reads are kept, and the result completes with the text', async () => {
  const controller = new ChatStreamController('r1', 'sse');
  controller.push({ type: 'start', requestId: 'r1', sessionId: 's1', model: 'simulator' });
  controller.push({ type: 'delta', text: 'Hel' });
  controller.push({ type: 'delta', text: 'lo' });
  controller.push(done);
  controller.push({ type: 'delta', text: 'ignored after done' });
  const events: ChatStreamEvent[] = [];
  for await (const event of controller.stream) events.push(event);
  assert.deepEqual(events.map((event) => event.type), ['start', 'delta', 'delta', 'done']);
  const result = await controller.stream.result;
  assert.equal(result.status, 'complete');
  assert.equal(result.text, 'Hello');
  assert.equal(result.sessionId, 's1');
  assert.equal(result.metrics.chunkCount, 2);
});

test('leaving the loop early cancels the request once, and the result says cancelled', async () => {
  const controller = new ChatStreamController('r2', 'websocket');
  let cancels = 0;
  controller.onCancel(() => cancels++);
  controller.push({ type: 'start', requestId: 'r2', sessionId: 's1', model: 'simulator' });
  controller.push({ type: 'delta', text: 'partial' });
  for await (const event of controller.stream) if (event.type === 'delta') break;
  const result = await controller.stream.result;
  assert.equal(result.status, 'cancelled');
  assert.equal(result.text, 'partial');
  assert.equal(cancels, 1);
  assert.ok(result.status === 'cancelled' && result.error.code === 'cancelled');
});

test('an already aborted signal ends the stream before anything is sent; a timeout is a failure', async () => {
  const cancelled = new ChatStreamController('r3', 'rest', AbortSignal.abort());
  assert.equal(cancelled.ended, true);
  assert.equal((await cancelled.stream.result).status, 'cancelled');
  const timedOut = new ChatStreamController('r4', 'rest', AbortSignal.abort(new DOMException('slow', 'TimeoutError')));
  const result = await timedOut.stream.result;
  assert.ok(result.status === 'failed' && result.error.code === 'timeout' && result.error.retryable);
});

test('a stream can be iterated only once', () => {
  const controller = new ChatStreamController('r5', 'sse');
  controller.stream[Symbol.asyncIterator]();
  assert.throws(() => controller.stream[Symbol.asyncIterator](), TypeError);
});
