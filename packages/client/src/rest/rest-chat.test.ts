import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { StreamGateClient, StreamGateError } from '../index.js';
import { startClientTestGateway, type ClientTestGateway } from '../test-support/test-gateway.js';

let gateway: ClientTestGateway;
before(async () => (gateway = await startClientTestGateway()));
after(() => gateway.close());

test('chat returns the whole reply with ids, usage and both sets of metrics', { timeout: 10_000 }, async () => {
  const reply = await gateway.client().chat({ message: 'Hello over REST', simulate: { outputTokens: 12 } });
  assert.equal(reply.status, 'complete');
  assert.equal(reply.transport, 'rest');
  assert.match(reply.text, /^You said: "Hello over REST"\./);
  assert.equal(reply.model, 'simulator');
  assert.equal(reply.stopReason, 'end_turn');
  assert.equal(reply.usage.outputTokens, 12);
  assert.ok(reply.sessionId.length > 0);
  // REST delivers the reply in one piece: the first token is the last.
  assert.equal(reply.metrics.chunkCount, 1);
  assert.equal(reply.metrics.ttftMs, reply.metrics.chunks[0]!.atMs);
  assert.ok(reply.metrics.totalMs! >= reply.metrics.ttftMs!);
  assert.ok(reply.metrics.outputTokensPerSecond! > 0);
  assert.ok(reply.serverMetrics.totalMs <= reply.metrics.totalMs!, 'the gateway measures less than the client, which adds the network');
});

test('the request id chosen by the client is the one the gateway uses', { timeout: 10_000 }, async () => {
  const reply = await gateway.client().chat({ message: 'Named request', requestId: 'client-chosen-id-1' });
  assert.equal(reply.requestId, 'client-chosen-id-1');
  await gateway.sessions.turnsStored('client-chosen-id-1');
  const session = await gateway.client().sessions.get(reply.sessionId);
  assert.deepEqual(session.turns.map((turn) => turn.requestId), ['client-chosen-id-1', 'client-chosen-id-1']);
});

test('stream over REST yields start, the reply as one delta, then done', { timeout: 10_000 }, async () => {
  const stream = gateway.client().stream({ message: 'One piece', transport: 'rest' });
  const types: string[] = [];
  for await (const event of stream) types.push(event.type);
  assert.deepEqual(types, ['start', 'delta', 'done']);
  assert.equal((await stream.result).status, 'complete');
});

test('a bad key is an unauthorized StreamGateError that says not to retry', { timeout: 10_000 }, async () => {
  const client = gateway.client({ apiKey: 'not-a-key' });
  const error = await client.chat({ message: 'Hello' }).then(
    () => assert.fail('expected a rejection'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof StreamGateError);
  assert.equal(error.code, 'unauthorized');
  assert.equal(error.status, 401);
  assert.equal(error.retryable, false);
});

test('an invalid request carries the gateway details', { timeout: 10_000 }, async () => {
  const error = await gateway.client().chat({ message: '   ' }).catch((caught: unknown) => caught);
  assert.ok(error instanceof StreamGateError);
  assert.equal(error.code, 'invalid_request');
  assert.equal(error.status, 400);
  assert.ok(Array.isArray(error.details));
});

test('aborting a blocking chat rejects with cancelled, and the gateway records the turn as cancelled', { timeout: 10_000 }, async () => {
  const client = gateway.client();
  const { sessionId } = await client.sessions.create();
  const controller = new AbortController();
  const request = { message: 'Slow', sessionId, requestId: 'rest-cancel-1', simulate: { ttftMs: 60_000 } };
  const chat = client.chat(request, { signal: controller.signal });
  await gateway.sessions.admitted(sessionId);
  controller.abort();
  const error = await chat.catch((caught: unknown) => caught);
  assert.ok(error instanceof StreamGateError);
  assert.equal(error.code, 'cancelled');
  await gateway.sessions.turnsStored('rest-cancel-1');
  const session = await client.sessions.get(sessionId);
  assert.equal(session.turns.at(-1)?.status, 'cancelled');
});

test('an unreachable gateway is a retryable network_error', { timeout: 10_000 }, async () => {
  const gone = await startClientTestGateway();
  const url = gone.url;
  await gone.close();
  const error = await new StreamGateClient({ baseUrl: url, apiKey: 'x' }).chat({ message: 'Hello' }).catch((caught: unknown) => caught);
  assert.ok(error instanceof StreamGateError);
  assert.equal(error.code, 'network_error');
  assert.equal(error.retryable, true);
});
