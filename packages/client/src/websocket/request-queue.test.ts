import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import type { WebSocketConstructor } from '../index.js';
import { startClientTestGateway, type ClientTestGateway } from '../test-support/test-gateway.js';

type Frame = Record<string, unknown>;

let gateway: ClientTestGateway;
before(async () => (gateway = await startClientTestGateway({ WS_MAX_CONCURRENT_REQUESTS: '2' })));
after(() => gateway.close());

/** A `ws` WebSocket that logs every frame it sends and receives, in order: what the gateway sees. */
function recordingWebSocket(wire: { direction: 'sent' | 'received'; frame: Frame }[]): WebSocketConstructor {
  return class RecordingWebSocket extends WebSocket {
    constructor(...parameters: ConstructorParameters<typeof WebSocket>) {
      super(...parameters);
      this.on('message', (data) => wire.push({ direction: 'received', frame: JSON.parse(String(data)) as Frame }));
      const send = this.send.bind(this);
      this.send = ((data: string) => {
        wire.push({ direction: 'sent', frame: JSON.parse(data) as Frame });
        send(data);
      }) as WebSocket['send'];
    }
  };
}

test('beyond the limit the gateway announces, requests queue and start as others end; none is refused', { timeout: 15_000 }, async () => {
  const wire: { direction: 'sent' | 'received'; frame: Frame }[] = [];
  const connection = gateway.client({ WebSocket: recordingWebSocket(wire) }).connect();
  // Made before the socket opens: they wait for the limit in the gateway's connected frame.
  const streams = Array.from({ length: 6 }, (_, index) => connection.stream({ message: `queued ${index}`, simulate: { outputTokens: 20, tokensPerSecond: 400 } }));
  await connection.ready();
  assert.equal(connection.maxConcurrentRequests, 2);
  assert.deepEqual([connection.activeRequests, connection.queuedRequests], [2, 4]);

  const results = await Promise.all(streams.map((stream) => stream.result));
  results.forEach((result, index) => {
    assert.ok(result.status === 'complete', `request ${index} completed`);
    assert.match(result.text, new RegExp(`^You said: "queued ${index}"`));
  });
  // On the wire: never more than two requests running at once, and no refusal.
  let running = 0;
  let mostAtOnce = 0;
  for (const { direction, frame } of wire) {
    if (direction === 'sent' && typeof frame.message === 'string') running++;
    if (direction === 'received' && typeof frame.request_id === 'string' && (frame.event === 'done' || frame.event === 'error')) running--;
    mostAtOnce = Math.max(mostAtOnce, running);
  }
  assert.equal(wire.filter(({ direction, frame }) => direction === 'sent' && typeof frame.message === 'string').length, 6);
  assert.equal(mostAtOnce, 2);
  assert.deepEqual(wire.filter(({ frame }) => frame.code === 'too_many_requests_on_connection'), []);
  assert.deepEqual([connection.activeRequests, connection.queuedRequests], [0, 0]);
  connection.close();
});

test('a queued request that is cancelled is never sent; closing the connection cancels the rest', { timeout: 15_000 }, async () => {
  const wire: { direction: 'sent' | 'received'; frame: Frame }[] = [];
  const connection = gateway.client({ WebSocket: recordingWebSocket(wire) }).connect();
  await connection.ready();
  const slow = { outputTokens: 10_000, tokensPerSecond: 100 };
  const running = [connection.stream({ message: 'one', simulate: slow }), connection.stream({ message: 'two', simulate: slow })];
  const controller = new AbortController();
  const cancelled = connection.stream({ message: 'never sent' }, { signal: controller.signal });
  const waiting = connection.stream({ message: 'waits' });
  assert.equal(connection.queuedRequests, 2);
  controller.abort();
  assert.equal((await cancelled.result).status, 'cancelled');
  assert.equal(connection.queuedRequests, 1);
  connection.close();
  for (const stream of [...running, waiting]) assert.equal((await stream.result).status, 'cancelled');
  const sentMessages = wire.filter(({ direction, frame }) => direction === 'sent' && typeof frame.message === 'string').map(({ frame }) => frame.message);
  assert.deepEqual(sentMessages, ['one', 'two']);
  // Closing tells the gateway to stop what ran, rather than leave it to the resume grace.
  const cancels = wire.filter(({ direction, frame }) => direction === 'sent' && frame.type === 'cancel').map(({ frame }) => frame.request_id);
  assert.deepEqual(cancels.sort(), running.map((stream) => stream.requestId).sort());
});
