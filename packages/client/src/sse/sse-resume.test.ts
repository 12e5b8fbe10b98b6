import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ChatStreamEvent } from '../index.js';
import { cancelOnGateway, LONG_REPLY, proxyFor, resumedEvents } from '../test-support/resume-fixtures.js';
import { StreamReader } from '../test-support/stream-reader.js';
import { startClientTestGateway, type ClientTestGateway } from '../test-support/test-gateway.js';

let gateway: ClientTestGateway;
before(async () => (gateway = await startClientTestGateway()));
after(() => gateway.close());


test('SSE: a connection cut mid-stream resumes with Last-Event-ID: the whole reply once, after a resumed event', { timeout: 15_000 }, async (t) => {
  const proxy = await proxyFor(gateway, t);
  const client = gateway.client({ baseUrl: proxy.url });
  const message = 'Resume me over SSE';
  const stream = client.stream({ message, transport: 'sse', simulate: { outputTokens: 60, tokensPerSecond: 200 } });
  const reader = new StreamReader(stream);
  await reader.deltas(5);
  proxy.cut();
  const events = await reader.toEnd();

  const resumed = resumedEvents(events);
  assert.equal(resumed.length, 1, 'one resume');
  assert.equal(resumed[0]!.transport, 'sse');
  assert.ok(Number.isInteger(resumed[0]!.replayed), `the gateway said how many events it replayed (${resumed[0]!.replayed})`);
  assert.ok(events.indexOf(resumed[0]!) >= 6, 'the resume came after the text read before the cut');
  const result = await stream.result;
  assert.ok(result.status === 'complete');
  const unbroken = await gateway.client().stream({ message, transport: 'sse', simulate: { outputTokens: 60 } }).result;
  assert.equal(result.text, unbroken.text, 'the same text as an unbroken stream: nothing missing, nothing twice');
  assert.equal(result.metrics.chunkCount, 60);
  assert.equal(result.usage.outputTokens, 60);
  // One run on the gateway: the session holds one reply, the whole of it.
  await gateway.sessions.turnsStored(stream.requestId);
  const session = await client.sessions.get(result.sessionId);
  assert.deepEqual(session.turns.map((turn) => [turn.role, turn.status]), [['user', 'complete'], ['assistant', 'complete']]);
  assert.equal(session.turns[1]!.content, result.text);
});

test('SSE: a cancel after a resume still stops the model call', { timeout: 15_000 }, async (t) => {
  const proxy = await proxyFor(gateway, t);
  const client = gateway.client({ baseUrl: proxy.url });
  const controller = new AbortController();
  const stream = client.stream({ message: 'Cancel me after a resume', transport: 'sse', simulate: LONG_REPLY }, { signal: controller.signal });
  const reader = new StreamReader(stream);
  await reader.deltas(1);
  proxy.cut();
  await reader.until((event) => event.type === 'resumed');
  await reader.until((event) => event.type === 'delta');
  controller.abort();
  const events = await reader.toEnd();
  assert.equal(events.at(-1)?.type, 'error');
  const result = await stream.result;
  assert.equal(result.status, 'cancelled');
  // The turn is stored once the model call has stopped: were it still running, this would wait for 50 s.
  await gateway.sessions.turnsStored(stream.requestId);
  assert.equal((await client.sessions.get(result.sessionId!)).turns.at(-1)?.status, 'cancelled');
});

test('SSE: a stream whose missed events are no longer retained ends with stream_gap, keeping its text', { timeout: 15_000 }, async (t) => {
  const small = await startClientTestGateway({ STREAM_RETENTION_MAX_EVENTS: '10' });
  t.after(() => small.close());
  const proxy = await proxyFor(small, t);
  // The resume waits 500 ms; meanwhile the model streams its 2,000 tokens in 200 ms, of which 10 are kept.
  const client = small.client({ baseUrl: proxy.url, resume: { initialDelayMs: 500, maxDelayMs: 500, jitter: 0 } });
  const stream = client.stream({ message: 'Fall behind', transport: 'sse', simulate: { outputTokens: 2_000, tokensPerSecond: 10_000 } });
  const reader = new StreamReader(stream);
  await reader.deltas(1);
  proxy.cut();
  await reader.toEnd();
  const result = await stream.result;
  assert.ok(result.status === 'failed');
  assert.equal(result.error.code, 'stream_gap', result.error.message);
  assert.equal(result.error.retryable, false);
  assert.match(result.text, /^You said: "Fall behind"/);
});

test('SSE: when the gateway cannot be reached again, the stream ends with connection_lost after the attempts allowed', { timeout: 15_000 }, async (t) => {
  const proxy = await proxyFor(gateway, t);
  const client = gateway.client({ baseUrl: proxy.url, resume: { initialDelayMs: 5, maxDelayMs: 5, maxAttempts: 2 } });
  const stream = client.stream({ message: 'Nobody to resume with', transport: 'sse', simulate: LONG_REPLY });
  const reader = new StreamReader(stream);
  await reader.deltas(1);
  await proxy.close(); // cuts the connection and refuses new ones
  const events = await reader.toEnd();
  const result = await stream.result;
  await cancelOnGateway(gateway, stream.requestId);
  assert.deepEqual(resumedEvents(events), []);
  assert.ok(result.status === 'failed');
  assert.equal(result.error.code, 'connection_lost');
  assert.equal(result.error.retryable, true);
  assert.match(result.error.message, /could not be resumed in 2 attempts: The gateway at .* could not be reached/);
  assert.ok(result.text.startsWith("You"), "the text that arrived is kept");
});

test('SSE: with resume off, a cut ends the stream with connection_lost at once', { timeout: 15_000 }, async (t) => {
  const proxy = await proxyFor(gateway, t);
  const stream = gateway.client({ baseUrl: proxy.url, resume: false }).stream({ message: 'Do not resume', transport: 'sse', simulate: LONG_REPLY });
  const reader = new StreamReader(stream);
  await reader.deltas(1);
  proxy.cut();
  const events = await reader.toEnd();
  await cancelOnGateway(gateway, stream.requestId);
  assert.deepEqual(resumedEvents(events), []);
  const result = await stream.result;
  assert.ok(result.status === 'failed' && result.error.code === 'connection_lost');
  assert.match(result.error.message, /broke before the reply was complete\.$/);
});

test('SSE: dropConnection() breaks the fetch; after the backoff the reply resumes, catching up what streamed meanwhile', { timeout: 15_000 }, async () => {
  const message = 'Drop me on purpose over SSE';
  const client = gateway.client({ resume: { initialDelayMs: 200, maxDelayMs: 200, jitter: 0 } });
  const stream = client.stream({ message, transport: 'sse', simulate: { outputTokens: 100, tokensPerSecond: 200 } });
  const reader = new StreamReader(stream);
  await reader.deltas(3);
  stream.dropConnection();
  const events = await reader.toEnd();
  const resumed = resumedEvents(events);
  assert.equal(resumed.length, 1);
  // 200 ms away at 200 tokens a second: about 40 events to catch up.
  assert.ok(resumed[0]!.replayed! >= 10, `${resumed[0]!.replayed} events replayed`);
  const result = await stream.result;
  assert.ok(result.status === 'complete');
  const unbroken = await gateway.client().stream({ message, transport: 'sse', simulate: { outputTokens: 100 } }).result;
  assert.equal(result.text, unbroken.text);
});
