import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closedPort } from '../../test-support/closed-port.js';
import { eventsOf, nextEvent, replyText } from '../../test-support/reply-text.js';
import { postSse } from '../../test-support/sse-client.js';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import type { HttpStub } from '../../test-support/stubs/http-stub.js';
import { openAiChunkSteps, openAiCompletion, startOpenAiCompatibleStub } from '../../test-support/stubs/openai-compatible-stub.js';
import { temporaryModelsFile } from '../../test-support/temporary-models-file.js';

describe('OpenAI-compatible servers through the gateway', () => {
  let primary: HttpStub;
  let canary: HttpStub;
  let gateway: TestGateway;
  let models: { path: string; remove(): void };

  before(async () => {
    primary = await startOpenAiCompatibleStub((request) =>
      request.body?.stream ? { contentType: 'text/event-stream', steps: openAiChunkSteps(['from', ' primary']) } : { json: openAiCompletion('whole reply') },
    );
    canary = await startOpenAiCompatibleStub(() => ({ contentType: 'text/event-stream', steps: openAiChunkSteps(['from', ' canary']) }));
    models = temporaryModelsFile({
      providers: {
        primary: { type: 'openai-compatible', baseUrl: `${primary.url}/v1`, apiKeyEnv: 'PRIMARY_KEY' },
        canary: { type: 'openai-compatible', baseUrl: `${canary.url}/v1` },
        down: { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${await closedPort()}/v1` },
      },
      models: [
        { id: 'llama', provider: 'primary', upstream: 'meta-llama/Llama-3.1-8B-Instruct' },
        { id: 'llama-whole', provider: 'primary', upstream: 'meta-llama/Llama-3.1-8B-Instruct', streaming: false },
        {
          id: 'split',
          targets: [
            { provider: 'primary', upstream: 'llama-a', weight: 1 },
            { provider: 'canary', upstream: 'llama-b', weight: 1 },
          ],
        },
        { id: 'gone', provider: 'down', upstream: 'x', retries: 1, fallbacks: ['simulator'] },
      ],
    });
    gateway = await startGateway({ MODELS_FILE: models.path, PRIMARY_KEY: 'sk-primary', UPSTREAM_RETRY_BASE_MS: '1', UPSTREAM_RETRY_MAX_MS: '2' });
  });
  after(async () => {
    await gateway.close();
    await primary.close();
    await canary.close();
    models.remove();
  });

  it('streams a chat with the key from the variable the models file names', async () => {
    const events = await eventsOf(postSse(`${gateway.url}/v1/chat/stream`, { message: 'Hi', model: 'llama' }, gateway.headers, AbortSignal.timeout(10_000)));
    assert.equal(replyText(events), 'from primary');
    assert.equal(primary.requests.at(-1)!.headers.authorization, 'Bearer sk-primary');
    assert.doesNotMatch(gateway.rawLogs(), /sk-primary/, 'the upstream key never reaches the logs');
  });

  it('serves a model configured not to stream as one reply', async () => {
    const response = await fetch(`${gateway.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...gateway.headers },
      body: JSON.stringify({ message: 'Hi', model: 'llama-whole' }),
    });
    assert.deepEqual(((await response.json()) as { message: string }).message, 'whole reply');
    assert.equal(primary.requests.at(-1)!.body.stream, false);
  });

  it('falls back when the upstream refuses connections, and /ready shows it failing', async () => {
    const response = await fetch(`${gateway.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...gateway.headers },
      body: JSON.stringify({ message: 'Anyone there?', model: 'gone', simulate: { ttft_ms: 0, tokens_per_second: 0 } }),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { message: string; request_id: string };
    assert.match(body.message, /^You said: "Anyone there\?"/);
    // Usage is billed to the provider that served, not the one the model names first.
    const record = gateway.logs.find((line) => line.msg === 'request finished' && (line.usage as { requestId?: string })?.requestId === body.request_id);
    assert.deepEqual([(record?.usage as { model: string }).model, (record?.usage as { provider: string }).provider], ['gone', 'simulator']);
    const ready = (await fetch(`${gateway.url}/ready`).then((answer) => answer.json())) as { providers: Record<string, { status: string; message?: string }> };
    assert.equal(ready.providers.down!.status, 'error');
    assert.match(ready.providers.down!.message!, /not reachable/);
    assert.equal(ready.providers.primary!.status, 'ok');
  });

  it('splits traffic between two servers by weight', async () => {
    const before = { primary: primary.requests.length, canary: canary.requests.length };
    for (let index = 0; index < 24; index++) {
      await eventsOf(postSse(`${gateway.url}/v1/chat/stream`, { message: `Hi ${index}`, model: 'split' }, gateway.headers, AbortSignal.timeout(10_000)));
    }
    const toPrimary = primary.requests.length - before.primary;
    const toCanary = canary.requests.length - before.canary;
    assert.equal(toPrimary + toCanary, 24);
    // With 1:1 weights the chance that one side gets none of 24 requests is 2^-23.
    assert.ok(toPrimary > 0 && toCanary > 0, `primary ${toPrimary}, canary ${toCanary}`);
  });
});
