import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatStream, ConnectionStateChange } from '../index.js';
import { signJwt } from '../../../gateway/src/test-support/jwks-server.js';
import { startTcpProxy } from '../test-support/tcp-proxy.js';
import { startClientTestGateway } from '../test-support/test-gateway.js';
import { waitFor } from '../test-support/wait-for.js';

const slow = { outputTokens: 10_000, tokensPerSecond: 100 };

/**
 * Reads until the first delta and leaves the rest of the stream to its result (without the
 * iterator's `return()`, which would cancel the request, as leaving a for-await loop does).
 */
async function firstDelta(stream: ChatStream): Promise<void> {
  const iterator = stream[Symbol.asyncIterator]();
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    if (next.value.type === 'delta') return;
  }
  assert.fail('the stream ended before any text');
}

test('after a gateway shuts down (1001) the connection reopens on the URL the provider gives now', { timeout: 15_000 }, async (t) => {
  const first = await startClientTestGateway();
  const second = await startClientTestGateway();
  t.after(() => Promise.all([first.close(), second.close()]));
  let target = first.wsUrl;
  const connection = first.client({ websocket: { url: () => target, reconnect: { initialDelayMs: 5 } } }).connect();
  const states: ConnectionStateChange[] = [];
  connection.on('state', (change) => states.push(change));
  const before = await connection.stream({ message: 'On the first gateway' }).result;
  assert.equal(before.status, 'complete');
  const firstConnectionId = connection.connectionId;

  target = second.wsUrl;
  const closed = waitFor(connection, 'close');
  const reopened = waitFor(connection, 'state', (change) => change.state === 'open');
  // The gateway's own shutdown (the wrapper's close() would close the test's clients first).
  await first.gateway.shutdown();
  const close = await closed;
  assert.equal(close.code, 1001);
  assert.equal(close.willReconnect, true);
  await reopened;
  assert.deepEqual(states.map((change) => change.state), ['open', 'reconnecting', 'open']);

  const afterwards = await connection.stream({ message: 'On the second gateway' }).result;
  assert.equal(afterwards.status, 'complete');
  assert.notEqual(connection.connectionId, firstConnectionId);
});

test('when its JWT expires (4401) the connection reopens with the fresh token the apiKey function gives', { timeout: 15_000 }, async (t) => {
  const secret = new TextEncoder().encode('a-test-secret-of-at-least-32-bytes-long');
  const gateway = await startClientTestGateway({ JWT_SECRET: Buffer.from(secret).toString(), JWT_CLOCK_SKEW_SECONDS: '0' });
  t.after(() => gateway.close());
  const seconds = () => Math.floor(Date.now() / 1000);
  const expiries: number[] = [];
  // The first token lasts 2-3 s, the ones after an hour: as an app that refreshes its token would do.
  const apiKey = () => {
    const exp = seconds() + (expiries.length === 0 ? 3 : 3600);
    expiries.push(exp);
    return signJwt({ sub: 'user-7', exp }, secret);
  };
  const connection = gateway.client({ apiKey }).connect();
  assert.equal((await connection.stream({ message: 'With the first token' }).result).status, 'complete');
  const closed = waitFor(connection, 'close');
  const reopened = waitFor(connection, 'state', (change) => change.state === 'open');

  const close = await closed;
  assert.deepEqual([close.code, close.reason, close.willReconnect], [4401, 'token_expired', true]);
  assert.ok(Date.now() >= expiries[0]! * 1000, 'not before the token expired');
  await reopened;
  assert.equal((await connection.stream({ message: 'With a fresh token' }).result).status, 'complete');
  assert.ok(expiries.length >= 2, 'the reconnect asked for a new token');
});

test('with resume off, requests in flight when the server drops the socket fail with a retryable connection_lost, and the gateway stops them', { timeout: 15_000 }, async (t) => {
  const gateway = await startClientTestGateway();
  t.after(() => gateway.close());
  const client = gateway.client({ resume: false });
  const connection = client.connect();
  const streams = [connection.stream({ message: 'one', simulate: slow }), connection.stream({ message: 'two', simulate: slow })];
  await Promise.all(streams.map(firstDelta));
  const reopened = waitFor(connection, 'state', (change) => change.state === 'open');
  for (const socket of gateway.gateway.app.websocketServer.clients) socket.terminate();
  for (const stream of streams) {
    const result = await stream.result;
    assert.ok(result.status === 'failed');
    assert.equal(result.error.code, 'connection_lost');
    assert.equal(result.error.retryable, true);
    assert.ok(result.text.length > 0, 'what arrived before the drop is kept');
    // The next socket cancels them: without it, the model would run on for the resume grace (100 s of reply here).
    await gateway.sessions.turnsStored(stream.requestId);
    assert.equal((await client.sessions.get(result.sessionId!)).turns.at(-1)?.status, 'cancelled');
  }
  assert.equal(connection.lastClose?.code, 1006);
  await reopened;
  const retried = await connection.stream({ message: 'retry' }).result;
  assert.equal(retried.status, 'complete');
});

test('a connection that stops answering pings is declared dead and replaced, and its request resumes on the new one', { timeout: 15_000 }, async (t) => {
  const gateway = await startClientTestGateway();
  const proxy = await startTcpProxy(Number(new URL(gateway.url).port));
  t.after(async () => {
    await proxy.close();
    await gateway.close();
  });
  const connection = gateway.client({ websocket: { url: proxy.wsUrl, keepAlive: { intervalMs: 50, timeoutMs: 1000 } } }).connect();
  const stream = connection.stream({ message: 'through the proxy', simulate: { outputTokens: 300, tokensPerSecond: 200 } });
  await firstDelta(stream);
  const closed = waitFor(connection, 'close');
  const reopened = waitFor(connection, 'state', (change) => change.state === 'open');
  proxy.freeze();
  const close = await closed;
  assert.equal(close.code, 4000);
  assert.match(close.reason, /no answer to a ping within 1000 ms/);
  const result = await stream.result;
  assert.ok(result.status === 'complete', 'the reply resumed on the new socket');
  assert.equal(result.metrics.chunkCount, 300);
  assert.equal((await connection.stream({ message: 'alive again' }).result).status, 'complete');
});

test('requests wait for the attempt under way and fail with it when the gateway is unreachable', { timeout: 15_000 }, async (t) => {
  const gone = await startClientTestGateway();
  const client = gone.client();
  await gone.close();
  t.after(() => client.close());
  const connection = client.connect();
  const reconnecting = waitFor(connection, 'state', (change) => change.state === 'reconnecting');
  const result = await connection.stream({ message: 'anyone there?' }).result;
  assert.ok(result.status === 'failed');
  assert.equal(result.error.code, 'connection_failed');
  assert.equal(result.error.retryable, true);
  const change = await reconnecting;
  assert.ok(change.delayMs !== undefined && change.delayMs <= 50);
  connection.close();
  assert.equal(connection.state, 'closed');
});

test('with reconnect off, a drop closes the connection for good', { timeout: 15_000 }, async (t) => {
  const gateway = await startClientTestGateway();
  t.after(() => gateway.close());
  const connection = gateway.client({ websocket: { reconnect: false } }).connect();
  await connection.ready();
  const closed = waitFor(connection, 'state', (change) => change.state === 'closed');
  for (const socket of gateway.gateway.app.websocketServer.clients) socket.terminate();
  await closed;
  assert.equal(connection.lastClose?.willReconnect, false);
  const refused = await connection.stream({ message: 'late' }).result;
  assert.ok(refused.status === 'failed');
  assert.equal(refused.error.code, 'connection_closed');
  assert.match(refused.error.message, /close code 1006/);
  connection.reconnect();
  await connection.ready();
  assert.equal((await connection.stream({ message: 'revived' }).result).status, 'complete');
});
