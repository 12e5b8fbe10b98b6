import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CapturingUsageSink } from '../../test-support/capture-usage.js';
import { readFixture } from '../../test-support/read-fixture.js';
import { eventsOf, nextEvent, replyText } from '../../test-support/reply-text.js';
import { postSse } from '../../test-support/sse-client.js';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import { converseStreamSteps, framesFromFixture, startBedrockStub, type BedrockStub, type BedrockStubReply, type BedrockStubRequest } from '../../test-support/stubs/bedrock-stub.js';
import { corruptFrame, eventFrame, exceptionFrame } from '../../test-support/stubs/event-stream-frames.js';
import { stubAwsEnvironment } from '../../test-support/stubs/stub-aws-settings.js';
import { gate } from '../../test-support/stubs/stub-step.js';
import { temporaryModelsFile } from '../../test-support/temporary-models-file.js';

const textFixture = readFixture<[string, unknown][]>('./__fixtures__/converse-stream-text.json', import.meta.url);

/**
 * The whole path: a client on a real socket, the gateway configured from the environment and a
 * models file, the real AWS SDK client, and a Bedrock stub speaking HTTP/2 event streams.
 */
describe('Bedrock through the gateway', () => {
  let stub: BedrockStub;
  let gateway: TestGateway;
  let models: { path: string; remove(): void };
  const usage = new CapturingUsageSink();
  const replies = new Map<string, (request: BedrockStubRequest) => BedrockStubReply>();

  before(async () => {
    stub = await startBedrockStub((request) => replies.get(request.modelId ?? '')?.(request) ?? { error: { status: 404, type: 'ResourceNotFoundException' } });
    models = temporaryModelsFile({
      models: [
        { id: 'claude', aliases: ['fast'], provider: 'bedrock', upstream: 'anthropic.claude-3-5-haiku-20241022-v1:0', price: { inputPerMillion: 0.8, outputPerMillion: 4 } },
        { id: 'busy', provider: 'bedrock', upstream: 'busy-model', retries: 1, fallbacks: ['backup'] },
        { id: 'backup', provider: 'bedrock', upstream: 'backup-model' },
        { id: 'flaky', provider: 'bedrock', upstream: 'flaky-model' },
      ],
    });
    gateway = await startGateway(
      { ...stubAwsEnvironment(stub.url), MODELS_FILE: models.path, UPSTREAM_RETRY_BASE_MS: '1', UPSTREAM_RETRY_MAX_MS: '5' },
      { usage },
    );
  });
  after(async () => {
    await gateway.close();
    await stub.close();
    models.remove();
  });

  it('streams a reply with the usage Bedrock reported, and records it', async () => {
    replies.set('anthropic.claude-3-5-haiku-20241022-v1:0', () => ({ steps: framesFromFixture(textFixture) }));
    const events = await eventsOf(
      postSse(`${gateway.url}/v1/chat/stream`, { message: 'Why stream?', model: 'fast', system: 'Be brief.', max_tokens: 100 }, gateway.headers, AbortSignal.timeout(10_000)),
    );
    assert.deepEqual(events.map((event) => event.event), ['start', 'message', 'message', 'message', 'done']);
    assert.equal(replyText(events), 'Streaming keeps people reading.');
    const done = events.at(-1)!.data;
    assert.equal(done.stop_reason, 'end_turn');
    assert.deepEqual(done.usage, { input_tokens: 18, output_tokens: 6 });
    const record = await usage.waitFor((entry) => entry.requestId === events[0]!.data.request_id);
    assert.equal(record.outcome, 'completed');
    assert.equal(record.provider, 'bedrock');
    assert.equal(record.model, 'claude');
    assert.equal(record.upstreamLatencyMs, 311);
    assert.deepEqual(gateway.gateway.registry.resolve('claude').price, { inputPerMillion: 0.8, outputPerMillion: 4 });
    const request = stub.requests.findLast((entry) => entry.modelId === 'anthropic.claude-3-5-haiku-20241022-v1:0')!;
    assert.deepEqual(request.body.system, [{ text: 'Be brief.' }]);
    assert.equal(request.body.inferenceConfig.maxTokens, 100);
  });

  it('continues a conversation: the second turn sends the first as history', async () => {
    replies.set('anthropic.claude-3-5-haiku-20241022-v1:0', () => ({ steps: converseStreamSteps(['Paris.']) }));
    const first = await eventsOf(postSse(`${gateway.url}/v1/chat/stream`, { message: 'Capital of France?', model: 'claude' }, gateway.headers, AbortSignal.timeout(10_000)));
    const sessionId = first[0]!.data.session_id;
    await eventsOf(postSse(`${gateway.url}/v1/chat/stream`, { message: 'And of Italy?', model: 'claude', session_id: sessionId }, gateway.headers, AbortSignal.timeout(10_000)));
    assert.deepEqual(stub.requests.at(-1)!.body.messages, [
      { role: 'user', content: [{ text: 'Capital of France?' }] },
      { role: 'assistant', content: [{ text: 'Paris.' }] },
      { role: 'user', content: [{ text: 'And of Italy?' }] },
    ]);
  });

  it('serves the request from the fallback when the model is throttled before the stream', async () => {
    replies.set('busy-model', () => ({ error: { status: 429, type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' } }));
    replies.set('backup-model', () => ({ steps: converseStreamSteps(['From', ' the backup']) }));
    const before = stub.requests.length;
    const response = await fetch(`${gateway.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...gateway.headers },
      body: JSON.stringify({ message: 'Hello', model: 'busy' }),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { message: string; model: string };
    assert.equal(body.message, 'From the backup');
    assert.equal(body.model, 'busy');
    const calls = stub.requests.slice(before).map((entry) => entry.modelId);
    assert.deepEqual(calls, ['busy-model', 'busy-model', 'backup-model'], 'one retry with backoff, then the fallback');
  });

  it('answers 429 upstream_throttled when the model and its retries are all throttled and there is no fallback', async () => {
    replies.set('flaky-model', () => ({ error: { status: 429, type: 'ThrottlingException' } }));
    const response = await fetch(`${gateway.url}/v1/chat/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...gateway.headers },
      body: JSON.stringify({ message: 'Hello', model: 'flaky' }),
    });
    // The stream has started (`start` was sent) before the model is called: the failure is an error event.
    const text = await response.text();
    assert.match(text, /event: error\ndata: \{"code":"upstream_throttled"/);
  });

  it('sends an error event after the tokens already sent when Bedrock fails mid-stream, and counts the partial usage', async () => {
    replies.set('flaky-model', () => ({
      steps: [
        { send: eventFrame('messageStart', { role: 'assistant' }) },
        { send: eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'The first' } }) },
        { send: eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: ' half' } }) },
        { send: exceptionFrame('modelStreamErrorException', { message: 'Model stream failed', originalStatusCode: 500 }) },
      ],
    }));
    const events = await eventsOf(postSse(`${gateway.url}/v1/chat/stream`, { message: 'Hello', model: 'flaky' }, gateway.headers, AbortSignal.timeout(10_000)));
    assert.deepEqual(events.map((event) => event.event), ['start', 'message', 'message', 'error']);
    assert.equal(replyText(events), 'The first half');
    assert.equal(events.at(-1)!.data.code, 'upstream_error');
    const record = await usage.waitFor((entry) => entry.requestId === events[0]!.data.request_id);
    assert.equal(record.outcome, 'partial');
    assert.equal(record.errorCode, 'upstream_error');
    assert.ok(record.outputTokens > 0, 'the tokens streamed before the failure are counted');
    const history = await fetch(`${gateway.url}/v1/sessions/${events[0]!.data.session_id}`, { headers: gateway.headers }).then((response) => response.json() as Promise<{ turns: { content: string; status: string }[] }>);
    assert.deepEqual(history.turns.at(-1), { ...history.turns.at(-1), content: 'The first half', status: 'failed' });
  });

  it('sends upstream_bad_response on a corrupt frame and keeps serving', async () => {
    replies.set('flaky-model', () => ({
      steps: [
        { send: eventFrame('messageStart', { role: 'assistant' }) },
        { send: eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Kept' } }) },
        { send: corruptFrame(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'lost' } })) },
      ],
    }));
    const events = await eventsOf(postSse(`${gateway.url}/v1/chat/stream`, { message: 'Hello', model: 'flaky' }, gateway.headers, AbortSignal.timeout(10_000)));
    assert.equal(replyText(events), 'Kept');
    assert.equal(events.at(-1)!.event, 'error');
    assert.equal(events.at(-1)!.data.code, 'upstream_bad_response');
    replies.set('flaky-model', () => ({ steps: converseStreamSteps(['Still', ' here']) }));
    assert.equal(replyText(await eventsOf(postSse(`${gateway.url}/v1/chat/stream`, { message: 'Again', model: 'flaky' }, gateway.headers, AbortSignal.timeout(10_000)))), 'Still here');
  });

  it('delivers the first delta while Bedrock still holds back the rest', async () => {
    const hold = gate();
    replies.set('flaky-model', () => ({
      steps: [...converseStreamSteps(['First']).slice(0, 2), { wait: hold.promise }, ...converseStreamSteps([' and the rest']).slice(1)],
    }));
    const sse = postSse(`${gateway.url}/v1/chat/stream`, { message: 'Hello', model: 'flaky' }, gateway.headers, AbortSignal.timeout(10_000));
    assert.equal((await nextEvent(sse))!.event, 'start');
    const first = (await nextEvent(sse))!;
    assert.equal(first.event, 'message');
    assert.deepEqual(first.data, { content: 'First' }, 'the first delta arrives before the stub releases the rest');
    hold.release();
    const rest = await eventsOf(sse);
    assert.equal(replyText(rest), ' and the rest');
    assert.equal(rest.at(-1)!.event, 'done');
  });

  it('closes the upstream call when the client disconnects, and records the request as cancelled', async () => {
    const hold = gate();
    replies.set('flaky-model', () => ({ steps: [...converseStreamSteps(['First']).slice(0, 2), { wait: hold.promise }, ...converseStreamSteps(['never']).slice(1)] }));
    const client = new AbortController();
    const sse = postSse(`${gateway.url}/v1/chat/stream`, { message: 'Hello', model: 'flaky' }, gateway.headers, AbortSignal.any([client.signal, AbortSignal.timeout(10_000)]));
    const start = (await nextEvent(sse))!;
    assert.equal((await nextEvent(sse))!.event, 'message');
    client.abort();
    const outcome = await stub.requests.findLast((entry) => entry.modelId === 'flaky-model')!.outcome;
    assert.equal(outcome.closedByClient, true, 'the stub saw the upstream stream closed');
    const record = await usage.waitFor((entry) => entry.requestId === start.data.request_id);
    assert.equal(record.outcome, 'cancelled');
    hold.release();
  });

  it('shows Bedrock, its agents and AgentCore as enabled on /ready, with their models', async () => {
    const ready = (await fetch(`${gateway.url}/ready`).then((response) => response.json())) as { providers: Record<string, { type: string; status: string; models: string[] }> };
    assert.equal(ready.providers.bedrock!.type, 'bedrock');
    assert.ok(['ok', 'degraded'].includes(ready.providers.bedrock!.status));
    assert.deepEqual(ready.providers.bedrock!.models.slice(0, 4), ['claude', 'busy', 'backup', 'flaky']);
    assert.ok(ready.providers.bedrock!.models.includes('titan-embed-text-v2'));
    assert.equal(ready.providers['bedrock-agents']!.status, 'ok');
    assert.equal(ready.providers.simulator!.status, 'ok');
  });
});

describe('Bedrock without AWS configuration', () => {
  it('is disabled, says why on /ready, and the simulator stays the default', async () => {
    const gateway = await startGateway({});
    try {
      const ready = (await fetch(`${gateway.url}/ready`).then((response) => response.json())) as { providers: Record<string, { status: string; message?: string }> };
      assert.equal(ready.providers.bedrock!.status, 'disabled');
      assert.match(ready.providers.bedrock!.message!, /AWS_REGION/);
      const reply = (await fetch(`${gateway.url}/v1/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...gateway.headers },
        body: JSON.stringify({ message: 'Hi', simulate: { ttft_ms: 0, tokens_per_second: 0 } }),
      }).then((response) => response.json())) as { model: string };
      assert.equal(reply.model, 'simulator');
    } finally {
      await gateway.close();
    }
  });
});
