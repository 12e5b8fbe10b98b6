import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import type { ChatStreamEvent, ConnectionStateChange, WebSocketConnection } from '../index.js';
import { startClientTestGateway, type ClientTestGateway } from '../test-support/test-gateway.js';
import { waitFor } from '../test-support/wait-for.js';

let gateway: ClientTestGateway;
before(async () => (gateway = await startClientTestGateway()));
after(() => gateway.close());

test('chat over the shared WebSocket: events, text and metrics, with the state reported', { timeout: 10_000 }, async () => {
  const client = gateway.client();
  const connection = client.connection();
  const states: ConnectionStateChange[] = [];
  connection.on('state', (change) => states.push(change));
  const stream = client.stream({ message: 'Hello over WebSocket', transport: 'websocket', simulate: { outputTokens: 15 } });
  const types: string[] = [];
  for await (const event of stream) types.push(event.type);
  assert.deepEqual(types, ['start', ...Array<string>(15).fill('delta'), 'done']);
  const result = await stream.result;
  assert.ok(result.status === 'complete');
  assert.equal(result.transport, 'websocket');
  assert.match(result.text, /^You said: "Hello over WebSocket"\./);
  assert.equal(result.metrics.chunkCount, 15);
  assert.ok(result.metrics.ttftMs !== null && result.metrics.ttftMs <= result.metrics.totalMs!);
  assert.equal(states[0]?.state, 'open');
  assert.equal(connection.activeRequests, 0);
  assert.ok(connection.connectionId);
  assert.equal(client.connection(), connection, 'the shared connection is reused');
});

test('many concurrent requests share one socket without cross-talk', { timeout: 15_000 }, async () => {
  const connection = gateway.client().connect();
  const messages = Array.from({ length: 12 }, (_, index) => `question-${index}-${'x'.repeat(index)}`);
  const streams = messages.map((message, index) =>
    connection.stream({ message, simulate: { outputTokens: 30 + index, tokensPerSecond: 3000 } }),
  );
  assert.equal(new Set(streams.map((stream) => stream.requestId)).size, 12);
  const results = await Promise.all(streams.map((stream) => stream.result));
  results.forEach((result, index) => {
    assert.ok(result.status === 'complete', `request ${index} completed`);
    assert.ok(result.text.startsWith(`You said: "${messages[index]}".`), `request ${index} got its own reply`);
    for (const [other, message] of messages.entries()) {
      if (other !== index) assert.ok(!result.text.includes(`"${message}"`), `request ${index} holds no text of request ${other}`);
    }
    assert.equal(result.usage.outputTokens, 30 + index);
    assert.equal(result.metrics.chunkCount, 30 + index);
  });
  assert.equal(new Set(results.map((result) => result.sessionId)).size, 12);
  assert.equal(connection.activeRequests, 0);
  connection.close();
});

test('aborting sends a cancel: the stream ends as cancelled and the gateway records it', { timeout: 10_000 }, async () => {
  const client = gateway.client();
  const controller = new AbortController();
  const stream = client.stream(
    { message: 'Cancel me', transport: 'websocket', simulate: { outputTokens: 10_000, tokensPerSecond: 200 } },
    { signal: controller.signal },
  );
  let sessionId: string | undefined;
  const events: ChatStreamEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (event.type === 'start') sessionId = event.sessionId;
    if (event.type === 'delta') controller.abort();
  }
  // Deltas already received before the abort may still be read; then the stream ends, cancelled.
  const types = events.map((event) => event.type);
  assert.equal(types[0], 'start');
  assert.equal(types.at(-1), 'error');
  assert.ok(types.slice(1, -1).every((type) => type === 'delta'));
  assert.equal((await stream.result).status, 'cancelled');
  await gateway.sessions.turnsStored(stream.requestId);
  const session = await client.sessions.get(sessionId!);
  assert.equal(session.turns.at(-1)?.status, 'cancelled');
  assert.equal(client.connection().state, 'open', 'a cancel leaves the socket open');
});

test('a failure mid-stream is a typed error after the tokens that arrived', { timeout: 10_000 }, async () => {
  const stream = gateway.client().stream({ message: 'Break', transport: 'websocket', simulate: { outputTokens: 10, failAfterTokens: 3 } });
  const events: ChatStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  assert.deepEqual(events.map((event) => event.type), ['start', 'delta', 'delta', 'delta', 'error']);
  const result = await stream.result;
  assert.ok(result.status === 'failed');
  assert.equal(result.error.code, 'upstream_error');
  assert.equal(result.error.retryable, true);
  assert.equal(result.text, 'You said: "Break".');
});

test('a bad key fails the request with unauthorized and closes the connection for good', { timeout: 10_000 }, async () => {
  const connection = gateway.client({ apiKey: 'wrong' }).connect();
  const closed = waitFor(connection, 'state', (change) => change.state === 'closed');
  const ready = assert.rejects(connection.ready(), { code: 'unauthorized' });
  const result = await connection.stream({ message: 'Hello' }).result;
  assert.ok(result.status === 'failed');
  assert.equal(result.error.code, 'unauthorized');
  assert.equal(result.error.status, 401);
  assert.equal(result.error.retryable, false);
  const change = await closed;
  assert.equal(change.error?.code, 'unauthorized');
  await ready;
  const later = await connection.stream({ message: 'Again' }).result;
  assert.ok(later.status === 'failed' && later.error.code === 'unauthorized', 'a closed connection refuses new requests with its reason');
});

test('a socket bound to a session puts every request in it', { timeout: 10_000 }, async () => {
  const client = gateway.client();
  const { sessionId } = await client.sessions.create();
  const connection = client.connect({ sessionId });
  const first = await connection.stream({ message: 'First' }).result;
  const second = await connection.stream({ message: 'Second' }).result;
  assert.equal(first.sessionId, sessionId);
  assert.equal(second.sessionId, sessionId);
  assert.match(second.text, /This is turn 2\./);
  await gateway.sessions.turnsStored(second.requestId);
  assert.equal((await client.sessions.get(sessionId)).turns.length, 4);
  connection.close();
});

test('a request id already running on the connection is refused locally', { timeout: 10_000 }, async () => {
  const connection = gateway.client().connect();
  await connection.ready();
  const first = connection.stream({ message: 'Slow', requestId: 'same-id', simulate: { ttftMs: 60_000 } });
  const second = await connection.stream({ message: 'Again', requestId: 'same-id' }).result;
  assert.ok(second.status === 'failed' && second.error.code === 'duplicate_request_id');
  connection.close();
  const firstResult = await first.result;
  assert.ok(firstResult.status === 'cancelled', 'closing the connection cancels what it carried');
});

test('closing while the socket is still connecting is quiet and final', { timeout: 10_000 }, async () => {
  let connection: WebSocketConnection | undefined;
  let constructed = false;
  // Closes right after the socket is made, before its handshake can finish: `ws` then emits an
  // error event, which must not surface as an uncaught exception.
  class ClosedWhileConnecting extends WebSocket {
    constructor(...parameters: ConstructorParameters<typeof WebSocket>) {
      super(...parameters);
      constructed = true;
      queueMicrotask(() => connection?.close());
    }
  }
  connection = gateway.client({ WebSocket: ClosedWhileConnecting }).connect();
  const pending = connection.stream({ message: 'never sent' });
  const result = await pending.result;
  assert.ok(constructed);
  assert.ok(result.status === 'cancelled');
  assert.equal(connection.state, 'closed');
  await assert.rejects(connection.ready(), { code: 'connection_closed' });
});

test('a malformed WebSocket URL closes the connection without retrying', { timeout: 10_000 }, async () => {
  const connection = gateway.client({ websocket: { url: 'not a url' } }).connect();
  await assert.rejects(connection.ready(), { code: 'connection_failed', retryable: false });
});
