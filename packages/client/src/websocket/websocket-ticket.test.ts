import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { StreamGateClient, StreamGateError } from '../index.js';
import { startClientTestGateway, type ClientTestGateway } from '../test-support/test-gateway.js';

let gateway: ClientTestGateway;
before(async () => (gateway = await startClientTestGateway()));
after(() => gateway.close());

/** The URLs of the WebSocket upgrades the gateway logged. */
function upgradeUrls(): string[] {
  return gateway.logs.flatMap((line) => {
    const url = (line.req as { url?: unknown } | undefined)?.url;
    return typeof url === 'string' && url.includes('/ws/') ? [url] : [];
  });
}

test('with tickets on, each connection gets a ticket with the key and opens with it alone', { timeout: 10_000 }, async () => {
  let keyAsked = 0;
  const client = gateway.client({
    apiKey: () => {
      keyAsked++;
      return gateway.key;
    },
    websocket: { tickets: true },
  });
  const reply = await client.stream({ message: 'Hello', transport: 'websocket' }).result;
  assert.equal(reply.status, 'complete');
  // Once, for the ticket's POST: the upgrade itself carries no key.
  assert.equal(keyAsked, 1);
  assert.ok(upgradeUrls().some((url) => url.startsWith('/v1/ws/chat?ticket=')), upgradeUrls().join(', '));
});

test('a ticket works once: a second socket with the same ticket is refused', { timeout: 10_000 }, async () => {
  const client = gateway.client();
  const { ticket, expiresAt, expiresInSeconds } = await client.webSocketTicket();
  assert.ok(ticket.length > 0 && expiresInSeconds > 0 && Date.parse(expiresAt) > Date.now());
  const reused = gateway.client({ apiKey: 'not-sent', websocket: { ticketProvider: async () => ticket, reconnect: false } });
  const first = reused.connect();
  await first.ready();
  assert.equal((await first.stream({ message: 'Hi' }).result).status, 'complete');
  const second = reused.connect();
  const refused = await second.ready().catch((error: unknown) => error);
  assert.ok(refused instanceof StreamGateError, String(refused));
  assert.equal(refused.code, 'unauthorized');
  assert.equal(refused.status, 401);
  assert.equal(second.state, 'closed');
});

test("with tickets on, a refused key closes the connection with the ticket request's error", { timeout: 10_000 }, async () => {
  const client = gateway.client({ apiKey: 'sg-wrong-key-0000000000000000', websocket: { tickets: true } });
  const connection = client.connect();
  const refused = await connection.ready().catch((error: unknown) => error);
  assert.ok(refused instanceof StreamGateError);
  assert.equal(refused.code, 'unauthorized');
  assert.equal(refused.status, 401);
  assert.equal(connection.state, 'closed');
});

test('with the global WebSocket, which cannot send headers, tickets are on by default', { timeout: 10_000 }, async (t) => {
  const global = globalThis as { WebSocket?: unknown };
  const previous = global.WebSocket;
  const opened: string[] = [];
  // A browser's WebSocket: a URL and protocols, no headers.
  global.WebSocket = class BrowserLikeWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      opened.push(url);
    }
  };
  t.after(() => {
    global.WebSocket = previous;
  });
  const client = new StreamGateClient({ baseUrl: gateway.url, apiKey: gateway.key });
  t.after(() => client.close());
  assert.equal((await client.stream({ message: 'Hello', transport: 'websocket' }).result).status, 'complete');
  assert.equal(opened.length, 1);
  assert.match(opened[0]!, /\/v1\/ws\/chat\?ticket=[^&]+$/);
});
