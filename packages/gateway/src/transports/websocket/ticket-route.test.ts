import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashTicket, MemoryTicketStore } from '../../access/ticket-store.js';
import { redactUrl } from '../../http/log-serializers.js';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import { TestSocket } from '../../test-support/ws-client.js';

const fast = { ttft_ms: 0, tokens_per_second: 0, output_tokens: 3 };

describe('WebSocket tickets', () => {
  let harness: TestGateway;
  before(async () => {
    harness = await startGateway({ LOG_LEVEL: 'debug' });
  });
  after(() => harness.close());

  const issue = async () => {
    const response = await fetch(`${harness.url}/v1/ws/tickets`, { method: 'POST', headers: harness.headers });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    return (await response.json()) as { ticket: string; expires_at: string; expires_in: number };
  };
  const refusedWith = (code: string) => (error: { status: number; body: string }) => error.status === 401 && JSON.parse(error.body).error.code === code;

  test('an authenticated POST issues a short-lived ticket; without a credential it is 401', async () => {
    const { ticket, expires_in: expiresIn, expires_at: expiresAt } = await issue();
    assert.match(ticket, /^wst_[\w-]{43}$/);
    assert.equal(expiresIn, 30);
    assert.ok(Date.parse(expiresAt) - Date.now() <= 30_000);
    assert.equal((await fetch(`${harness.url}/v1/ws/tickets`, { method: 'POST' })).status, 401);
  });

  test('the ticket opens a WebSocket without headers, acting for the key that asked; it works once', async () => {
    const { ticket } = await issue();
    const socket = await TestSocket.open(`${harness.wsUrl}/ws/sessions/ticket-session/chat?ticket=${ticket}`);
    assert.equal((await socket.next(() => true)).event, 'connected');
    socket.send({ message: 'via ticket', request_id: 't1', simulate: fast });
    assert.equal((await socket.request('t1')).at(-1)!.event, 'done');
    socket.close();
    const session = await harness.gateway.app.inject({ method: 'GET', url: '/v1/sessions/ticket-session', headers: harness.headers });
    assert.equal(session.statusCode, 200, 'the session belongs to the key that asked for the ticket');
    await assert.rejects(TestSocket.open(`${harness.wsUrl}/v1/ws/chat?ticket=${ticket}`), refusedWith('invalid_ticket'));
  });

  test('an unknown ticket is refused; tickets are not accepted on plain HTTP routes', async () => {
    await assert.rejects(TestSocket.open(`${harness.wsUrl}/v1/ws/chat?ticket=wst_forged`), refusedWith('invalid_ticket'));
    const { ticket } = await issue();
    const response = await fetch(`${harness.url}/v1/chat?ticket=${ticket}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'x' }) });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'unauthorized');
  });

  test('the ticket never reaches the logs: the URL is logged with the value redacted', async () => {
    const { ticket } = await issue();
    const socket = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat?ticket=${ticket}`);
    await socket.next(() => true);
    socket.close();
    await assert.rejects(TestSocket.open(`${harness.wsUrl}/v1/ws/chat?ticket=${ticket}`));
    const raw = harness.rawLogs();
    assert.ok(!raw.includes(ticket), 'no log line contains the ticket');
    assert.ok(!raw.includes(ticket.slice(4, 24)), 'nor a part of it');
    assert.ok(raw.includes('/v1/ws/chat?ticket=[redacted]'), 'the request is logged, redacted');
  });
});

test('a ticket past its lifetime is refused', async () => {
  const store = new MemoryTicketStore();
  await store.put(hashTicket('wst_old'), { keyId: 'k' }, 1);
  const issuedAt = Date.now();
  // Wait for the clock itself (bounded), not for an event.
  for (let spins = 0; spins < 1000 && Date.now() <= issuedAt + 1; spins++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await store.take(hashTicket('wst_old')), undefined);
  await store.put(hashTicket('wst_new'), { keyId: 'k' }, 60_000);
  assert.deepEqual(await store.take(hashTicket('wst_new')), { keyId: 'k' });
  assert.equal(await store.take(hashTicket('wst_new')), undefined, 'single use');
});

test('redactUrl hides the values of secret-looking query parameters only', () => {
  assert.equal(redactUrl('/v1/ws/chat?ticket=wst_abc'), '/v1/ws/chat?ticket=[redacted]');
  assert.equal(redactUrl('/x?api_key=k1&from=2030-01-01&access_token=t&Authorization=a'), '/x?api_key=[redacted]&from=2030-01-01&access_token=[redacted]&Authorization=[redacted]');
  assert.equal(redactUrl('/v1/usage?group_by=model'), '/v1/usage?group_by=model');
  assert.equal(redactUrl('/plain'), '/plain');
  assert.equal(redactUrl('/x?%74icket=secret'), '/x?%74icket=[redacted]');
});
