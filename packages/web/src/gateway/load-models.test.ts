import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamGateError } from '@streamgate/client';
import { loadModels, modelsOf } from './load-models.js';

test('lists the models of every enabled provider', () => {
  const models = modelsOf({
    simulator: { type: 'simulator', status: 'ok', models: ['simulator'] },
    bedrock: { type: 'bedrock', status: 'disabled', models: ['claude'] },
    local: { type: 'openai-compatible', status: 'degraded', models: ['llama', 'qwen'] },
  });
  assert.deepEqual(
    models.map((model) => `${model.provider}/${model.providerType}/${model.id}`),
    ['simulator/simulator/simulator', 'local/openai-compatible/llama', 'local/openai-compatible/qwen'],
  );
});

test('an unreachable gateway is a network_error; a body without providers is the gateway error', async () => {
  const refused = (async () => {
    throw new TypeError('fetch failed');
  }) as typeof fetch;
  const unreachable = await loadModels('', undefined, refused).catch((error: unknown) => error);
  assert.ok(unreachable instanceof StreamGateError && unreachable.code === 'network_error');
  const proxy = (async () => new Response('<html>Bad gateway</html>', { status: 502 })) as typeof fetch;
  const bad = await loadModels('', undefined, proxy).catch((error: unknown) => error);
  assert.ok(bad instanceof StreamGateError && bad.code === 'http_error' && bad.status === 502);
});
