import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ChatStreamEvent } from '../index.js';
import { cancelOnGateway, LONG_REPLY, proxyFor, resumedEvents } from '../test-support/resume-fixtures.js';
import { StreamReader } from '../test-support/stream-reader.js';
import { startClientTestGateway, type ClientTestGateway } from '../test-support/test-gateway.js';
import { waitFor } from '../test-support/wait-for.js';

let gateway: ClientTestGateway;
before(async () => (gateway = await startClientTestGateway()));
after(() => gateway.close());


test('WebSocket: requests in flight when the connection is cut resume on the new socket: every reply whole and once', { timeout: 15_000 }, async (t) => {
  const proxy = await proxyFor(gateway, t);
  const client = gateway.client({ websocket: { url: proxy.wsUrl } });
  const connection = client.connection();
  const simulate = { outputTokens: 60, tokensPerSecond: 200 };
  const messages = ['First over a cut socket', 'Second over a cut socket'];
  const streams = messages.map((message) => client.stream({ message, transport: 'websocket', simulate }));
  const readers = streams.map((stream) => new StreamReader(stream));
  await Promise.all(readers.map((reader) => reader.deltas(5)));
  const closed = waitFor(connection, 'close');
  proxy.cut();
  const close = await closed;
  assert.deepEqual([close.code, close.willReconnect], [1006, true]);

  for (const [index, reader] of readers.entries()) {
    const events = await reader.toEnd();
    const resumed = resumedEvents(events);
    assert.equal(resumed.length, 1, `request ${index} resumed once`);
    assert.equal(resumed[0]!.transport, 'websocket');
    const result = await streams[index]!.result;
    assert.ok(result.status === 'complete', `request ${index} completed`);
    const unbroken = await gateway.client().stream({ message: messages[index]!, transport: 'websocket', simulate: { outputTokens: 60 } }).result;
    assert.equal(result.text, unbroken.text, `request ${index}: the same text as an unbroken stream`);
    assert.equal(result.metrics.chunkCount, 60, `request ${index}: no chunk twice`);
    await gateway.sessions.turnsStored(result.requestId);
    const turns = (await client.sessions.get(result.sessionId)).turns;
    assert.deepEqual(turns.map((turn) => turn.status), ['complete', 'complete'], `request ${index} ran once`);
  }
  assert.equal(connection.activeRequests, 0);
});

test('WebSocket: a cancel after a resume still stops the model call', { timeout: 15_000 }, async (t) => {
  const proxy = await proxyFor(gateway, t);
  const client = gateway.client({ websocket: { url: proxy.wsUrl } });
  const controller = new AbortController();
  const stream = client.stream({ message: 'Cancel me after a resume', transport: 'websocket', simulate: LONG_REPLY }, { signal: controller.signal });
  const reader = new StreamReader(stream);
  await reader.deltas(1);
  proxy.cut();
  await reader.until((event) => event.type === 'resumed');
  await reader.until((event) => event.type === 'delta');
  controller.abort();
  await reader.toEnd();
  const result = await stream.result;
  assert.equal(result.status, 'cancelled');
  // Stored once the model call has stopped: were it still running, this would wait for 50 s.
  await gateway.sessions.turnsStored(stream.requestId);
  assert.equal((await client.sessions.get(result.sessionId!)).turns.at(-1)?.status, 'cancelled');
  assert.equal(client.connection().state, 'open');
});

test('WebSocket: a request whose missed events are no longer retained ends with stream_gap, keeping its text', { timeout: 15_000 }, async (t) => {
  const small = await startClientTestGateway({ STREAM_RETENTION_MAX_EVENTS: '10' });
  t.after(() => small.close());
  const proxy = await proxyFor(small, t);
  // The socket comes back after 500 ms; meanwhile the model streams its 2,000 tokens in 200 ms, of which 10 are kept.
  const client = small.client({ websocket: { url: proxy.wsUrl, reconnect: { initialDelayMs: 500, maxDelayMs: 500, jitter: 0 } } });
  const stream = client.stream({ message: 'Fall behind', transport: 'websocket', simulate: { outputTokens: 2_000, tokensPerSecond: 10_000 } });
  const reader = new StreamReader(stream);
  await reader.deltas(1);
  proxy.cut();
  const events = await reader.toEnd();
  assert.deepEqual(resumedEvents(events), []);
  const result = await stream.result;
  assert.ok(result.status === 'failed');
  assert.equal(result.error.code, 'stream_gap', result.error.message);
  assert.equal(result.error.retryable, false);
  assert.match(result.text, /^You said: "Fall behind"/);
});

test('WebSocket: when the gateway cannot be reached again, requests end with connection_lost after the attempts allowed', { timeout: 15_000 }, async (t) => {
  const proxy = await proxyFor(gateway, t);
  const client = gateway.client({ websocket: { url: proxy.wsUrl, reconnect: { initialDelayMs: 5, maxDelayMs: 5 } }, resume: { maxAttempts: 2 } });
  const stream = client.stream({ message: 'Nobody to resume with', transport: 'websocket', simulate: LONG_REPLY });
  const reader = new StreamReader(stream);
  await reader.deltas(1);
  await proxy.close(); // cuts the connection and refuses new ones
  const events = await reader.toEnd();
  const result = await stream.result;
  client.close();
  await cancelOnGateway(gateway, stream.requestId);
  assert.deepEqual(resumedEvents(events), []);
  assert.ok(result.status === 'failed');
  assert.equal(result.error.code, 'connection_lost');
  assert.equal(result.error.retryable, true);
  assert.match(result.error.message, /could not be resumed: 2 attempts to reconnect failed/);
  assert.ok(result.text.startsWith('You'), 'the text that arrived is kept');
});

test('WebSocket: dropConnection() drops the socket, and the reply resumes on the next one', { timeout: 15_000 }, async () => {
  const client = gateway.client();
  const connection = client.connection();
  const message = 'Drop me on purpose';
  const stream = client.stream({ message, transport: 'websocket', simulate: { outputTokens: 60, tokensPerSecond: 200 } });
  const reader = new StreamReader(stream);
  await reader.deltas(3);
  const closed = waitFor(connection, 'close');
  stream.dropConnection();
  assert.equal((await closed).code, 4001);
  const events = await reader.toEnd();
  assert.equal(resumedEvents(events).length, 1);
  const result = await stream.result;
  assert.ok(result.status === 'complete');
  const unbroken = await gateway.client().stream({ message, transport: 'sse', simulate: { outputTokens: 60 } }).result;
  assert.equal(result.text, unbroken.text);
});
