import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CapturingUsageSink } from '../../test-support/capture-usage.js';
import { eventsOf } from '../../test-support/reply-text.js';
import { postSse } from '../../test-support/sse-client.js';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import { startBedrockStub, type BedrockStub } from '../../test-support/stubs/bedrock-stub.js';
import { eventFrame } from '../../test-support/stubs/event-stream-frames.js';
import type { HttpStub } from '../../test-support/stubs/http-stub.js';
import { openAiChunkSteps, startOpenAiCompatibleStub } from '../../test-support/stubs/openai-compatible-stub.js';
import { stubAwsEnvironment } from '../../test-support/stubs/stub-aws-settings.js';
import { temporaryModelsFile } from '../../test-support/temporary-models-file.js';

/** Upstreams that send the start of an answer, then cut the connection. */
describe('an upstream that cuts the connection after tokens have arrived', () => {
  let openAiStub: HttpStub;
  let bedrockStub: BedrockStub;
  let models: { path: string; remove(): void };
  let harness: TestGateway;
  const usage = new CapturingUsageSink();

  before(async () => {
    // The role chunk and the first text chunk (no finish chunk), then the socket is destroyed.
    openAiStub = await startOpenAiCompatibleStub(() => ({ contentType: 'text/event-stream', steps: [...openAiChunkSteps(['Hello', ' world']).slice(0, 2), { destroy: true }] }));
    bedrockStub = await startBedrockStub(() => ({
      steps: [
        { send: eventFrame('messageStart', { role: 'assistant' }) },
        { send: eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Partial' } }) },
        { destroy: true },
      ],
    }));
    models = temporaryModelsFile({ providers: { cutter: { type: 'openai-compatible', baseUrl: `${openAiStub.url}/v1` } }, models: [{ id: 'cutter', provider: 'cutter', upstream: 'm' }] });
    harness = await startGateway(
      { ...stubAwsEnvironment(bedrockStub.url), BEDROCK_MODELS: 'claude=anthropic.claude-3-5-sonnet-20240620-v1:0', MODELS_FILE: models.path, UPSTREAM_RETRIES: '0', LOG_LEVEL: 'warn' },
      { usage },
    );
  });
  after(async () => {
    await harness.close();
    await openAiStub.close();
    await bedrockStub.close();
    models.remove();
  });

  test('POST /v1/chat answers upstream_bad_response with the partial reply, and accounts it as partial', async () => {
    const response = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: harness.headers, payload: { message: 'hi', model: 'cutter', session_id: 'cut-chat' } });
    assert.equal(response.statusCode, 502, response.body);
    const { error } = response.json();
    assert.equal(error.code, 'upstream_bad_response');
    assert.match(error.message, /cut the connection before its answer was complete/);
    assert.deepEqual(error.details, { partial_message: 'Hello', session_id: 'cut-chat', model: 'cutter' });
    const record = await usage.waitFor((entry) => entry.requestId === response.headers['x-request-id']);
    assert.deepEqual([record.outcome, record.errorCode], ['partial', 'upstream_bad_response']);
  });

  test('SSE over OpenAI-compatible and Bedrock (HTTP/2 event stream): the text, then an upstream_bad_response error event', async () => {
    for (const model of ['cutter', 'claude']) {
      const events = await eventsOf(postSse(`${harness.url}/v1/chat/stream`, { message: 'hi', model }, harness.headers, AbortSignal.timeout(10_000)));
      const last = events.at(-1)!;
      assert.equal(last.event, 'error', model);
      assert.equal(last.data!.code, 'upstream_bad_response', `${model}: ${JSON.stringify(last.data)}`);
      assert.equal(last.data!.retryable, true);
      assert.ok(events.some((event) => event.event === 'message'), `${model}: the text before the cut was streamed`);
    }
  });

  test('an upstream that cannot be reached at all is still upstream_unavailable', async () => {
    await openAiStub.close();
    const response = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: harness.headers, payload: { message: 'hi', model: 'cutter' } });
    assert.equal(response.json().error.code, 'upstream_unavailable');
  });
});
