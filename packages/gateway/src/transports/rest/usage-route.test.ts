import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SimulatorChatModel } from '../../providers/simulator/simulator-chat-model.js';
import type { ModelEntry } from '../../routing/model-registry.js';
import { startGateway, TEST_KEY, type TestGateway } from '../../test-support/start-gateway.js';
import { TestSocket } from '../../test-support/ws-client.js';

const ADMIN = 'sg-admin-usage-test-0123456789abcdef';
const priced = (): ModelEntry[] => [
  { id: 'simulator', provider: 'simulator', upstreamModelId: 'simulator', model: new SimulatorChatModel({ ttftMs: 0, tokensPerSecond: 0 }) },
  {
    id: 'premium',
    provider: 'simulator',
    upstreamModelId: 'simulator',
    model: new SimulatorChatModel({ ttftMs: 0, tokensPerSecond: 0 }),
    // $0.001 per output token, input free: a 20-token reply costs exactly $0.02.
    price: { inputPerMillion: 0, outputPerMillion: 1000 },
  },
];
const reply = (tokens: number) => ({ ttft_ms: 0, tokens_per_second: 0, output_tokens: tokens });

describe('GET /v1/usage', () => {
  let harness: TestGateway;
  let keyA: { id: string; secret: string };
  let keyB: { id: string; secret: string };
  before(async () => {
    harness = await startGateway({ ADMIN_API_KEY: ADMIN }, { models: priced() });
    const create = async (name: string) => {
      const response = await harness.gateway.app.inject({ method: 'POST', url: '/v1/admin/keys', headers: { 'x-api-key': ADMIN }, payload: { name, owner: 'tests' } });
      return { id: response.json().key.id as string, secret: response.json().secret as string };
    };
    keyA = await create('a');
    keyB = await create('b');
    const chat = (key: string, model: string, tokens: number) =>
      harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: { 'x-api-key': key }, payload: { message: 'hello', model, simulate: reply(tokens) } });
    await chat(keyA.secret, 'premium', 20);
    await chat(keyA.secret, 'premium', 10);
    await chat(keyA.secret, 'simulator', 5);
    await chat(keyB.secret, 'premium', 30);
    const socket = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, { 'x-api-key': keyB.secret });
    socket.send({ message: 'fail me', request_id: 'f', model: 'premium', simulate: { ...reply(10), fail_after_tokens: 4 } });
    await socket.request('f');
    socket.close();
  });
  after(() => harness.close());

  const usage = (key: string, query = '') => harness.gateway.app.inject({ method: 'GET', url: `/v1/usage${query}`, headers: { 'x-api-key': key } });

  test('the admin sees every key, grouped; costs come from the model prices; one record per admitted request', async () => {
    const response = await usage(ADMIN, '?group_by=key,model');
    assert.equal(response.statusCode, 200, response.body);
    const rows = response.json().rows as { key_id: string; model: string; requests: number; cost_usd: number; output_tokens: number; outcomes: Record<string, number> }[];
    const row = (key: string, model: string) => rows.find((item) => item.key_id === key && item.model === model)!;
    assert.deepEqual([row(keyA.id, 'premium').requests, row(keyA.id, 'premium').cost_usd, row(keyA.id, 'premium').output_tokens], [2, 0.03, 30]);
    assert.deepEqual([row(keyA.id, 'simulator').requests, row(keyA.id, 'simulator').cost_usd], [1, 0]);
    const b = row(keyB.id, 'premium');
    assert.equal(b.requests, 2);
    assert.deepEqual(b.outcomes, { completed: 1, partial: 1, failed: 0, cancelled: 0 });
    // The model reported no usage for the partial reply: its 4 deltas ("You said: \"fail me\".", 20 characters) are estimated at 5 tokens.
    assert.equal(b.cost_usd, 0.035, 'the partial reply is billed for the text it produced');
    assert.equal(response.json().totals.requests, 5);
  });

  test('the admin may filter by key and group by day', async () => {
    const response = await usage(ADMIN, `?key_id=${keyB.id}&group_by=day`);
    const body = response.json();
    assert.equal(body.key_id, keyB.id);
    assert.deepEqual(body.rows.map((row: { day: string; requests: number }) => [row.day, row.requests]), [[new Date().toISOString().slice(0, 10), 2]]);
  });

  test('a key sees only its own usage', async () => {
    const response = await usage(keyA.secret, '?group_by=key,model');
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.key_id, keyA.id);
    assert.deepEqual([...new Set(body.rows.map((row: { key_id: string }) => row.key_id))], [keyA.id]);
    assert.equal(body.totals.requests, 3);
    assert.equal(body.totals.cost_usd, 0.03);
  });

  test("a key that asks for another key's usage is refused with 403 forbidden", async () => {
    const response = await usage(keyA.secret, `?key_id=${keyB.id}`);
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().error.code, 'forbidden');
    assert.equal((await usage(TEST_KEY, `?key_id=${keyA.id}`)).statusCode, 403);
    assert.equal((await usage(keyA.secret, `?key_id=${keyA.id}`)).statusCode, 200);
    assert.equal((await harness.gateway.app.inject({ method: 'GET', url: '/v1/usage' })).statusCode, 401);
  });

  test('time ranges and validation', async () => {
    const future = await usage(ADMIN, '?from=2100-01-01&to=2100-02-01');
    assert.deepEqual(future.json().rows, []);
    assert.equal(future.json().totals.requests, 0);
    assert.equal((await usage(ADMIN, '?group_by=hour')).json().error.code, 'invalid_request');
    assert.equal((await usage(ADMIN, '?from=2030-02-01&to=2030-01-01')).json().error.code, 'invalid_request');
    assert.equal((await usage(ADMIN, '?from=yesterday')).json().error.code, 'invalid_request');
  });
});

describe('budgets', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'streamgate-budget-'));
  after(() => rmSync(directory, { recursive: true, force: true }));
  const environment = { ADMIN_API_KEY: ADMIN, DATA_DIR: directory, KEY_STORE: 'sqlite', USAGE_STORE: 'sqlite' };

  test('a key that has spent its budget is refused with 402 budget_exceeded, also after a restart; raising it lets it through', async () => {
    let harness = await startGateway(environment, { models: priced() });
    let secret: string;
    let id: string;
    try {
      const created = await harness.gateway.app.inject({ method: 'POST', url: '/v1/admin/keys', headers: { 'x-api-key': ADMIN }, payload: { name: 'capped', owner: 'o', budget: { usd: 0.05, period: 'month' } } });
      ({ secret } = created.json());
      id = created.json().key.id;
      const chat = () => harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: { 'x-api-key': secret }, payload: { message: 'hi', model: 'premium', simulate: reply(20) } });
      // $0.02 each: 0 and 0.02 and 0.04 are under $0.05, so three run; the fourth finds $0.06 spent.
      for (let index = 0; index < 3; index++) assert.equal((await chat()).statusCode, 200);
      const refused = await chat();
      assert.equal(refused.statusCode, 402);
      assert.equal(refused.json().error.code, 'budget_exceeded');
      assert.equal(refused.json().error.details.spent_usd, 0.06);
      assert.ok(Date.parse(refused.json().error.details.resets_at) > Date.now());
      // Out of budget means every model, free ones too.
      const free = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: { 'x-api-key': secret }, payload: { message: 'hi', simulate: reply(2) } });
      assert.equal(free.statusCode, 402);
    } finally {
      await harness.close();
    }
    harness = await startGateway(environment, { models: priced() });
    try {
      const chat = () => harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: { 'x-api-key': secret }, payload: { message: 'hi', model: 'premium', simulate: reply(20) } });
      assert.equal((await chat()).statusCode, 402, 'the spend is loaded from the usage store after a restart');
      await harness.gateway.app.inject({ method: 'PATCH', url: `/v1/admin/keys/${id}`, headers: { 'x-api-key': ADMIN }, payload: { budget: { usd: 1, period: 'month' } } });
      assert.equal((await chat()).statusCode, 200);
    } finally {
      await harness.close();
    }
  });
});
