import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ChatStreamEvent } from '../index.js';
import { startClientTestGateway, type ClientTestGateway } from '../test-support/test-gateway.js';

let gateway: ClientTestGateway;
before(async () => (gateway = await startClientTestGateway()));
after(() => gateway.close());

async function collect(stream: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

test('SSE streams start, one delta per token, then done; the text and metrics add up', { timeout: 10_000 }, async () => {
  const stream = gateway.client().stream({ message: 'Hello over SSE', transport: 'sse', simulate: { outputTokens: 20, tokensPerSecond: 2000 } });
  const events = await collect(stream);
  const deltas = events.filter((event) => event.type === 'delta');
  assert.equal(events[0]?.type, 'start');
  assert.equal(events.at(-1)?.type, 'done');
  assert.equal(deltas.length, 20);
  const result = await stream.result;
  assert.ok(result.status === 'complete');
  assert.equal(result.text, deltas.map((event) => event.text).join(''));
  assert.match(result.text, /^You said: "Hello over SSE"\./);
  assert.equal(result.usage.outputTokens, 20);
  const { metrics } = result;
  assert.equal(metrics.chunkCount, 20);
  assert.equal(metrics.chunks.length, 20);
  assert.deepEqual(metrics.chunks.map((chunk) => chunk.characters), deltas.map((event) => event.text.length));
  assert.ok(metrics.chunks.every((chunk, index) => index === 0 || chunk.atMs >= metrics.chunks[index - 1]!.atMs), 'chunk times never go back');
  assert.equal(metrics.ttftMs, metrics.chunks[0]!.atMs);
  assert.ok(metrics.totalMs! >= metrics.chunks.at(-1)!.atMs);
  assert.ok(Math.abs(metrics.outputTokensPerSecond! - (20 * 1000) / metrics.totalMs!) < 1, 'tokens per second is tokens over total time');
  assert.ok(Math.abs(metrics.startedAt - Date.now()) < 60_000);
});

test('a failure mid-stream is a typed error after the tokens that arrived', { timeout: 10_000 }, async () => {
  const stream = gateway.client().stream({ message: 'Fail me', transport: 'sse', simulate: { outputTokens: 10, failAfterTokens: 4 } });
  const events = await collect(stream);
  assert.deepEqual(events.map((event) => event.type), ['start', 'delta', 'delta', 'delta', 'delta', 'error']);
  const last = events.at(-1)!;
  assert.ok(last.type === 'error');
  assert.equal(last.code, 'upstream_error');
  assert.equal(last.retryable, true);
  assert.equal(last.error.code, 'upstream_error');
  const result = await stream.result;
  assert.equal(result.status, 'failed');
  assert.equal(result.text, 'You said: "Fail me".');
  assert.equal(result.metrics.chunkCount, 4);
});

test('aborting ends the stream as cancelled at once, and the gateway records the turn as cancelled', { timeout: 10_000 }, async () => {
  const client = gateway.client();
  const controller = new AbortController();
  const stream = client.stream(
    { message: 'Long story', transport: 'sse', simulate: { outputTokens: 10_000, tokensPerSecond: 200 } },
    { signal: controller.signal },
  );
  const events: ChatStreamEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (event.type === 'delta') controller.abort();
  }
  const last = events.at(-1)!;
  assert.ok(last.type === 'error' && last.code === 'cancelled' && !last.retryable);
  const result = await stream.result;
  assert.equal(result.status, 'cancelled');
  assert.ok(result.text.length > 0);
  await gateway.sessions.turnsStored(stream.requestId);
  const session = await client.sessions.get(result.sessionId!);
  assert.deepEqual(session.turns.map((turn) => turn.status), ['complete', 'cancelled']);
});

test('leaving the loop early cancels the request on the gateway too', { timeout: 10_000 }, async () => {
  const client = gateway.client();
  const stream = client.stream({ message: 'Stop early', transport: 'sse', simulate: { outputTokens: 10_000, tokensPerSecond: 200 } });
  for await (const event of stream) if (event.type === 'delta') break;
  const result = await stream.result;
  assert.equal(result.status, 'cancelled');
  await gateway.sessions.turnsStored(stream.requestId);
  assert.equal((await client.sessions.get(result.sessionId!)).turns.at(-1)?.status, 'cancelled');
});

test('a bad key ends the stream with unauthorized before it starts', { timeout: 10_000 }, async () => {
  const stream = gateway.client({ apiKey: 'wrong' }).stream({ message: 'Hello', transport: 'sse' });
  const events = await collect(stream);
  assert.equal(events.length, 1);
  const [event] = events;
  assert.ok(event?.type === 'error');
  assert.equal(event.code, 'unauthorized');
  assert.equal(event.error.status, 401);
  const result = await stream.result;
  assert.ok(result.status === 'failed' && result.sessionId === undefined && result.metrics.ttftMs === null);
});

test('a timeout signal fails the stream with a retryable timeout', { timeout: 10_000 }, async () => {
  const stream = gateway.client().stream({ message: 'Never answers', transport: 'sse', simulate: { ttftMs: 60_000 } }, { signal: AbortSignal.timeout(50) });
  const result = await stream.result;
  assert.ok(result.status === 'failed');
  assert.equal(result.error.code, 'timeout');
  assert.equal(result.error.retryable, true);
});
