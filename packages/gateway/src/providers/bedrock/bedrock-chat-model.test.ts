import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GatewayError } from '../../errors.js';
import { collect, collectUntilError } from '../../test-support/collect.js';
import { readFixture } from '../../test-support/read-fixture.js';
import { converseStreamSteps, framesFromFixture, startBedrockStub, type BedrockStub, type BedrockStubReply, type BedrockStubRequest } from '../../test-support/stubs/bedrock-stub.js';
import { corruptFrame, eventFrame, exceptionFrame, truncatedFrame } from '../../test-support/stubs/event-stream-frames.js';
import { stubAwsSettings } from '../../test-support/stubs/stub-aws-settings.js';
import { gate } from '../../test-support/stubs/stub-step.js';
import type { ChatModelCall, ChatModelPart } from '../chat-model.js';
import type { Provider } from '../provider.js';
import { createBedrockProvider } from './bedrock-provider.js';

type Fixture = [string, unknown][];
const textFixture = readFixture<Fixture>('./__fixtures__/converse-stream-text.json', import.meta.url);
const toolFixture = readFixture<Fixture>('./__fixtures__/converse-stream-tool-use.json', import.meta.url);
const converseFixture = readFixture('./__fixtures__/converse-response.json', import.meta.url);

describe('Bedrock chat model against an HTTP/2 event-stream stub', () => {
  let stub: BedrockStub;
  let provider: Provider;
  const replies = new Map<string, (request: BedrockStubRequest) => BedrockStubReply>();

  before(async () => {
    stub = await startBedrockStub((request) => {
      const reply = replies.get(request.modelId ?? '');
      if (!reply) return { error: { status: 404, type: 'ResourceNotFoundException', message: 'no such model' } };
      return reply(request);
    });
    provider = createBedrockProvider({ aws: stubAwsSettings(stub.url) });
  });
  after(async () => {
    await provider.close();
    await stub.close();
  });

  const call = (modelId: string, extra: Partial<ChatModelCall> = {}): ChatModelCall => ({
    upstreamModelId: modelId,
    messages: [{ role: 'user', content: 'Why stream?' }],
    signal: new AbortController().signal,
    ...extra,
  });

  it('streams text and finishes with the stop reason, usage and latency of the metadata event', async () => {
    replies.set('anthropic.claude-3-haiku-20240307-v1:0', () => ({ steps: framesFromFixture(textFixture) }));
    const parts = await collect(provider.chatModel('anthropic.claude-3-haiku-20240307-v1:0').stream(call('anthropic.claude-3-haiku-20240307-v1:0')));
    assert.deepEqual(parts, [
      { type: 'delta', text: 'Streaming' },
      { type: 'delta', text: ' keeps people' },
      { type: 'delta', text: ' reading.' },
      { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 18, outputTokens: 6 }, upstreamLatencyMs: 311 },
    ]);
  });

  it('sends the system prompt, the history with alternating roles, temperature and max tokens', async () => {
    replies.set('model-request', () => ({ steps: converseStreamSteps(['ok']) }));
    await collect(
      provider.chatModel('model-request').stream(
        call('model-request', {
          system: 'Be brief.',
          maxTokens: 64,
          temperature: 0.2,
          messages: [
            { role: 'assistant', content: 'A greeting nobody asked for' },
            { role: 'user', content: 'First question' },
            { role: 'assistant', content: 'First answer' },
            { role: 'user', content: 'A question whose reply failed' },
            { role: 'user', content: 'Second question' },
          ],
        }),
      ),
    );
    const request = stub.requests.findLast((entry) => entry.modelId === 'model-request')!;
    assert.equal(request.operation, 'converse-stream');
    assert.deepEqual(request.body.system, [{ text: 'Be brief.' }]);
    assert.deepEqual(request.body.inferenceConfig, { maxTokens: 64, temperature: 0.2 });
    assert.deepEqual(request.body.messages, [
      { role: 'user', content: [{ text: 'First question' }] },
      { role: 'assistant', content: [{ text: 'First answer' }] },
      { role: 'user', content: [{ text: 'A question whose reply failed\n\nSecond question' }] },
    ]);
  });

  it('passes tool-use blocks through as trace parts with their parsed input', async () => {
    replies.set('tool-model', () => ({ steps: framesFromFixture(toolFixture) }));
    const parts = await collect(provider.chatModel('tool-model').stream(call('tool-model')));
    assert.deepEqual(parts, [
      { type: 'delta', text: 'Let me check the weather.' },
      { type: 'trace', data: { type: 'tool_use', tool_use_id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } } },
      { type: 'finish', stopReason: 'tool_use', usage: { inputTokens: 412, outputTokens: 53 }, upstreamLatencyMs: 954 },
    ]);
  });

  it('uses Converse when the model is configured not to stream', async () => {
    replies.set('converse-model', () => ({ json: converseFixture }));
    const parts = await collect(provider.chatModel('converse-model', { streaming: false }).stream(call('converse-model')));
    assert.equal(stub.requests.findLast((entry) => entry.modelId === 'converse-model')!.operation, 'converse');
    assert.deepEqual(parts, [
      { type: 'delta', text: 'Streaming keeps people reading.' },
      { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 18, outputTokens: 6 }, upstreamLatencyMs: 287 },
    ]);
  });

  const failures: [string, BedrockStubReply, string, boolean][] = [
    ['ThrottlingException', { error: { status: 429, type: 'ThrottlingException', message: 'Too many requests' } }, 'upstream_throttled', true],
    ['ServiceQuotaExceededException', { error: { status: 429, type: 'ServiceQuotaExceededException' } }, 'upstream_throttled', true],
    ['ServiceUnavailableException', { error: { status: 503, type: 'ServiceUnavailableException' } }, 'upstream_unavailable', true],
    ['ModelNotReadyException', { error: { status: 429, type: 'ModelNotReadyException' } }, 'upstream_unavailable', true],
    ['InternalServerException', { error: { status: 500, type: 'InternalServerException' } }, 'upstream_error', true],
    ['ModelErrorException', { error: { status: 424, type: 'ModelErrorException' } }, 'upstream_error', true],
    ['ModelTimeoutException', { error: { status: 408, type: 'ModelTimeoutException' } }, 'upstream_timeout', true],
    ['AccessDeniedException', { error: { status: 403, type: 'AccessDeniedException', message: 'User arn:aws:iam::123456789012:user/x is not authorized' } }, 'upstream_access_denied', false],
    ['ValidationException', { error: { status: 400, type: 'ValidationException', message: 'temperature is out of range' } }, 'upstream_invalid_request', false],
    ['ResourceNotFoundException', { error: { status: 404, type: 'ResourceNotFoundException' } }, 'upstream_not_found', false],
  ];
  for (const [name, reply, code, retryable] of failures) {
    it(`maps ${name} before the stream to ${code}`, async () => {
      replies.set(`fail-${name}`, () => reply);
      const { values, error } = await collectUntilError(provider.chatModel(`fail-${name}`).stream(call(`fail-${name}`)));
      assert.deepEqual(values, []);
      assert.ok(error instanceof GatewayError, String(error));
      assert.equal(error.code, code);
      assert.equal(error.retryable, retryable);
      assert.doesNotMatch(error.message, /123456789012/, 'account ids stay out of client-facing messages');
    });
  }

  const streamExceptions: [string, string][] = [
    ['modelStreamErrorException', 'upstream_error'],
    ['internalServerException', 'upstream_error'],
    ['throttlingException', 'upstream_throttled'],
    ['serviceUnavailableException', 'upstream_unavailable'],
    ['validationException', 'upstream_invalid_request'],
  ];
  for (const [exception, code] of streamExceptions) {
    it(`maps ${exception} in the middle of the stream to ${code}, after the text already sent`, async () => {
      replies.set(`mid-${exception}`, () => ({
        steps: [
          { send: eventFrame('messageStart', { role: 'assistant' }) },
          { send: eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Half a' } }) },
          { send: exceptionFrame(exception, { message: 'the model stream broke', originalStatusCode: 500 }) },
        ],
      }));
      const { values, error } = await collectUntilError(provider.chatModel(`mid-${exception}`).stream(call(`mid-${exception}`)));
      assert.deepEqual(values, [{ type: 'delta', text: 'Half a' }]);
      assert.ok(error instanceof GatewayError);
      assert.equal(error.code, code);
    });
  }

  const broken: [string, Uint8Array][] = [
    ['a truncated frame', truncatedFrame(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'lost' } }))],
    ['a frame with a bad checksum', corruptFrame(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'lost' } }))],
  ];
  for (const [label, bytes] of broken) {
    it(`fails with upstream_bad_response on ${label}`, async () => {
      replies.set(`broken-${label}`, () => ({
        steps: [
          { send: eventFrame('messageStart', { role: 'assistant' }) },
          { send: eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Kept' } }) },
          { send: bytes },
        ],
      }));
      const { values, error } = await collectUntilError(provider.chatModel(`broken-${label}`).stream(call(`broken-${label}`)));
      assert.deepEqual(values, [{ type: 'delta', text: 'Kept' }]);
      assert.ok(error instanceof GatewayError);
      assert.equal(error.code, 'upstream_bad_response');
    });
  }

  it('fails with upstream_bad_response when the stream ends before messageStop', async () => {
    replies.set('cut-short', () => ({
      steps: [
        { send: eventFrame('messageStart', { role: 'assistant' }) },
        { send: eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Kept' } }) },
      ],
    }));
    const { values, error } = await collectUntilError(provider.chatModel('cut-short').stream(call('cut-short')));
    assert.deepEqual(values, [{ type: 'delta', text: 'Kept' }]);
    assert.equal((error as GatewayError).code, 'upstream_bad_response');
  });

  it('closes the upstream HTTP/2 stream at once when the call is aborted mid-stream', async () => {
    const hold = gate();
    replies.set('held', () => ({ steps: [...converseStreamSteps(['first']).slice(0, 2), { wait: hold.promise }, ...converseStreamSteps(['rest']).slice(1)] }));
    const controller = new AbortController();
    const parts: ChatModelPart[] = [];
    for await (const part of provider.chatModel('held').stream(call('held', { signal: controller.signal }))) {
      parts.push(part);
      controller.abort();
    }
    assert.deepEqual(parts, [{ type: 'delta', text: 'first' }]);
    const outcome = await stub.requests.findLast((entry) => entry.modelId === 'held')!.outcome;
    assert.equal(outcome.closedByClient, true);
    hold.release();
  });

  it('reports ok on its check when credentials resolve', async () => {
    assert.deepEqual(await provider.check(), { status: 'ok' });
  });
});
