import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { StreamGateClient, StreamGateError } from '../index.js';
import { waitFor } from '../test-support/wait-for.js';

/**
 * How tickets travel, seen from a bare WebSocket server that
 * records each upgrade request and greets like the gateway does.
 */
async function startRecordingServer(t: { after: (hook: () => Promise<void>) => void }) {
  const upgrades: IncomingMessage[] = [];
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket, request) => {
    upgrades.push(request);
    socket.send(JSON.stringify({ event: 'connected', connection_id: `c${upgrades.length}`, heartbeat_interval_ms: 15_000 }));
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const address = server.address();
  assert.ok(typeof address === 'object' && address !== null);
  t.after(async () => {
    for (const socket of server.clients) socket.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `ws://127.0.0.1:${address.port}`, upgrades, server };
}

test('a ticket goes in the URL, fresh for every attempt, and the key stays out of the upgrade', { timeout: 10_000 }, async (t) => {
  const server = await startRecordingServer(t);
  let issued = 0;
  const client = new StreamGateClient({
    baseUrl: server.url.replace('ws:', 'http:'),
    apiKey: 'secret-key',
    WebSocket,
    websocket: { ticketProvider: async () => `ticket-${++issued}`, reconnect: { initialDelayMs: 1, maxDelayMs: 5 } },
  });
  t.after(() => client.close());
  const connection = client.connect({ sessionId: 'session-7' });
  await connection.ready();
  const reopened = waitFor(connection, 'state', (change) => change.previous === 'reconnecting' && change.state === 'open');
  for (const socket of server.server.clients) socket.terminate();
  await reopened;
  assert.deepEqual(
    server.upgrades.map((request) => request.url),
    ['/ws/sessions/session-7/chat?ticket=ticket-1', '/ws/sessions/session-7/chat?ticket=ticket-2'],
  );
  for (const request of server.upgrades) {
    assert.equal(request.headers.authorization, undefined);
    assert.equal(request.headers['x-api-key'], undefined);
  }
  assert.equal(connection.connectionId, 'c2');
});

test('without a ticket provider the key goes in the upgrade headers', { timeout: 10_000 }, async (t) => {
  const server = await startRecordingServer(t);
  const client = new StreamGateClient({ baseUrl: server.url.replace('ws:', 'http:'), apiKey: 'secret-key', WebSocket });
  t.after(() => client.close());
  await client.connection().ready();
  assert.equal(server.upgrades[0]?.url, '/v1/ws/chat');
  assert.equal(server.upgrades[0]?.headers.authorization, 'Bearer secret-key');
});

test('a ticket provider that fails for good closes the connection with its error', { timeout: 10_000 }, async (t) => {
  const server = await startRecordingServer(t);
  const refused = new StreamGateError('unauthorized', 'A valid API key is required.', { status: 401 });
  const client = new StreamGateClient({
    baseUrl: server.url.replace('ws:', 'http:'),
    WebSocket,
    websocket: { ticketProvider: () => Promise.reject(refused) },
  });
  t.after(() => client.close());
  const connection = client.connect();
  await assert.rejects(connection.ready(), refused);
  assert.equal(connection.state, 'closed');
  assert.equal(server.upgrades.length, 0);
});
