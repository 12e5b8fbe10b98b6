import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { StreamGateError } from '../index.js';
import { startClientTestGateway, type ClientTestGateway } from '../test-support/test-gateway.js';

let gateway: ClientTestGateway;
before(async () => (gateway = await startClientTestGateway()));
after(() => gateway.close());

test('models() lists the models the gateway serves, and a chat can name one', { timeout: 10_000 }, async () => {
  const client = gateway.client();
  const models = await client.models();
  const simulator = models.find((model) => model.id === 'simulator');
  assert.deepEqual(simulator && { id: simulator.id, ownedBy: simulator.ownedBy, kind: simulator.kind }, { id: 'simulator', ownedBy: 'simulator', kind: 'chat' });
  assert.ok(Number.isInteger(simulator!.created) && simulator!.created > 0);
  assert.equal((await client.chat({ message: 'Hello', model: simulator!.id })).model, 'simulator');
});

test('models() with a refused key throws the gateway error', { timeout: 10_000 }, async () => {
  const error = await gateway.client({ apiKey: 'sg-wrong-key-0000000000000000' }).models().catch((caught: unknown) => caught);
  assert.ok(error instanceof StreamGateError, String(error));
  assert.equal(error.status, 401);
  assert.equal(error.code, 'unauthorized');
});
