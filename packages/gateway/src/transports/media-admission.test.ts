import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CapturingUsageSink } from '../test-support/capture-usage.js';
import { TINY_PNG } from '../test-support/openai-surface-fixture.js';
import { startGateway, type TestGateway } from '../test-support/start-gateway.js';
import type { HttpStub } from '../test-support/stubs/http-stub.js';
import { startOpenAiCompatibleStub } from '../test-support/stubs/openai-compatible-stub.js';
import { temporaryModelsFile } from '../test-support/temporary-models-file.js';
import { until } from '../test-support/until.js';

const ADMIN = 'sg-admin-media-test-0123456789abcdef';

/** The four media routes, each with a body that names `model`. */
const ROUTES = [
  { path: '/v1/embeddings', body: (model: string) => ({ input: 'hello', model }) },
  { path: '/v1/images/generations', body: (model: string) => ({ prompt: 'a lighthouse', model }) },
  { path: '/api/v1/bedrock/embeddings/text', body: (model: string) => ({ text: 'hello', model }) },
  { path: '/api/v1/bedrock/images/generate', body: (model: string) => ({ prompt: 'a lighthouse', model }) },
] as const;

const modelOf = (path: string, kind: 'allowed' | 'other') => {
  const image = path.includes('image');
  if (kind === 'allowed') return image ? 'image-a' : 'embed-a';
  return image ? 'image-b' : 'embed-b';
};

describe('media routes go through the same admission as chat', () => {
  let stub: HttpStub;
  let models: { path: string; remove(): void };
  let harness: TestGateway;
  const usage = new CapturingUsageSink();

  before(async () => {
    stub = await startOpenAiCompatibleStub((request) =>
      request.path === '/v1/embeddings'
        ? { json: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [1, 2] }], usage: { prompt_tokens: 3, total_tokens: 3 } } }
        : { json: { created: 1_700_000_000, data: [{ b64_json: TINY_PNG }] } },
    );
    // Three input tokens of `embed-a` cost $0.003: more than the small budget below.
    const price = { inputPerMillion: 1000, outputPerMillion: 0 };
    models = temporaryModelsFile({
      providers: { stub: { type: 'openai-compatible', baseUrl: `${stub.url}/v1` } },
      models: [
        { id: 'embed-a', kind: 'embedding', provider: 'stub', upstream: 'embed-a', price },
        { id: 'embed-b', kind: 'embedding', provider: 'stub', upstream: 'embed-b', price },
        { id: 'image-a', kind: 'image', provider: 'stub', upstream: 'image-a' },
        { id: 'image-b', kind: 'image', provider: 'stub', upstream: 'image-b' },
      ],
    });
    harness = await startGateway({ MODELS_FILE: models.path, UPSTREAM_RETRIES: '0', ADMIN_API_KEY: ADMIN, LOG_LEVEL: 'warn' }, { usage });
  });
  after(async () => {
    await harness.close();
    await stub.close();
    models.remove();
  });

  const createKey = async (body: Record<string, unknown>) => {
    const response = await harness.gateway.app.inject({ method: 'POST', url: '/v1/admin/keys', headers: { 'x-api-key': ADMIN }, payload: { name: 'media', owner: 'team-m', ...body } });
    assert.equal(response.statusCode, 201, response.body);
    return (response.json() as { key: { id: string }; secret: string });
  };
  const call = (secret: string, route: (typeof ROUTES)[number], model: string) =>
    harness.gateway.app.inject({ method: 'POST', url: route.path, headers: { authorization: `Bearer ${secret}` }, payload: route.body(model) });

  test("a key limited to some models is refused every other embedding and image model, on all four routes", async () => {
    const { key, secret } = await createKey({ allowed_models: ['embed-a', 'image-a'] });
    for (const route of ROUTES) {
      const allowed = await call(secret, route, modelOf(route.path, 'allowed'));
      assert.equal(allowed.statusCode, 200, `${route.path}: ${allowed.body}`);
      const other = await call(secret, route, modelOf(route.path, 'other'));
      assert.equal(other.statusCode, 403, `${route.path}: ${other.body}`);
      assert.equal(other.json().error.code, 'model_not_allowed', route.path);
    }
    // One usage record per admitted call, none for the refused ones.
    const records = usage.records.filter((record) => record.keyId === key.id);
    assert.deepEqual(records.map((record) => [record.model, record.outcome, record.transport]).sort(), [
      ['embed-a', 'completed', 'openai'],
      ['embed-a', 'completed', 'rest'],
      ['image-a', 'completed', 'openai'],
      ['image-a', 'completed', 'rest'],
    ]);
  });

  test('an embedding model named by a key must exist, like a chat model', async () => {
    const known = await harness.gateway.app.inject({ method: 'POST', url: '/v1/admin/keys', headers: { 'x-api-key': ADMIN }, payload: { name: 'x', owner: 'y', allowed_models: ['embed-b', 'image-b'] } });
    assert.equal(known.statusCode, 201, known.body);
    const unknown = await harness.gateway.app.inject({ method: 'POST', url: '/v1/admin/keys', headers: { 'x-api-key': ADMIN }, payload: { name: 'x', owner: 'y', allowed_models: ['embed-z'] } });
    assert.equal(unknown.json().error.code, 'model_not_found');
  });

  test("a media call's cost counts against the key's budget, which then refuses media and chat alike", async () => {
    const { key, secret } = await createKey({ budget: { usd: 0.001, period: 'day' } });
    assert.equal((await call(secret, ROUTES[0], 'embed-a')).statusCode, 200);
    const record = await usage.waitFor((entry) => entry.keyId === key.id);
    assert.equal(record.costUsd, 0.003);
    await until(async () => (await call(secret, ROUTES[2], 'embed-a')).statusCode === 402, 5_000, 'the spent budget to refuse the next embedding');
    const refused = await call(secret, ROUTES[0], 'embed-a');
    assert.equal(refused.json().error.code, 'budget_exceeded');
    const chat = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: { authorization: `Bearer ${secret}` }, payload: { message: 'hi' } });
    assert.equal(chat.json().error.code, 'budget_exceeded');
    assert.equal(usage.records.filter((entry) => entry.keyId === key.id).length, 1, 'refused calls leave no usage record');
  });

  test("media calls count against the key's request limit", async () => {
    const { secret } = await createKey({ limits: { requests_per_window: 2 } });
    assert.equal((await call(secret, ROUTES[0], 'embed-a')).statusCode, 200);
    assert.equal((await call(secret, ROUTES[1], 'image-a')).statusCode, 200);
    const limited = await call(secret, ROUTES[2], 'embed-a');
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'rate_limited');
  });

  test("embedding tokens count against the key's tokens per minute", async () => {
    const { key, secret } = await createKey({ limits: { tokens_per_minute: 4 } });
    assert.equal((await call(secret, ROUTES[0], 'embed-a')).statusCode, 200);
    await usage.waitFor((entry) => entry.keyId === key.id);
    // Each embedding spends three tokens: once four are spent, the next is refused.
    await until(async () => (await call(secret, ROUTES[2], 'embed-a')).statusCode === 429, 5_000, 'the token limit to refuse the next embedding');
    const refused = await call(secret, ROUTES[0], 'embed-a');
    assert.equal(refused.json().error.code, 'rate_limited');
    assert.match(refused.json().error.message, /tokens/);
  });
});
