import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GatewayError } from '../../errors.js';
import { closedPort } from '../../test-support/closed-port.js';
import { collect, collectUntilError } from '../../test-support/collect.js';
import { readFixture } from '../../test-support/read-fixture.js';
import { sseEvent, type HttpStub, type HttpStubReply, type HttpStubRequest } from '../../test-support/stubs/http-stub.js';
import { openAiChunkSteps, openAiCompletion, startOpenAiCompatibleStub } from '../../test-support/stubs/openai-compatible-stub.js';
import { gate } from '../../test-support/stubs/stub-step.js';
import type { ChatModelCall, ChatModelPart } from '../chat-model.js';
import type { Provider } from '../provider.js';
import { createOpenAiCompatibleProvider } from './openai-compatible-provider.js';

const chunks = readFixture<unknown[]>('./__fixtures__/chat-completion-chunks.json', import.meta.url);
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';

describe('OpenAI-compatible provider against an SSE stub', () => {
  let stub: HttpStub;
  let provider: Provider;
  let reply: (request: HttpStubRequest) => HttpStubReply = () => ({ json: {} });

  before(async () => {
    stub = await startOpenAiCompatibleStub((request) => reply(request));
    provider = createOpenAiCompatibleProvider({ name: 'vllm', baseUrl: `${stub.url}/v1`, apiKey: 'sk-local-secret' });
  });
  after(async () => {
    await provider.close();
    await stub.close();
  });

  const call = (extra: Partial<ChatModelCall> = {}): ChatModelCall => ({
    upstreamModelId: MODEL,
    messages: [{ role: 'user', content: 'Why stream?' }],
    signal: new AbortController().signal,
    ...extra,
  });

  it('streams chunks as deltas and finishes with the usage chunk', async () => {
    reply = () => ({ contentType: 'text/event-stream', steps: chunks.map((chunk) => ({ send: sseEvent(chunk) })) });
    const parts = await collect(provider.chatModel(MODEL).stream(call({ system: 'Be brief.', maxTokens: 50, temperature: 0.3 })));
    assert.deepEqual(parts, [
      { type: 'delta', text: 'Streaming' },
      { type: 'delta', text: ' keeps people' },
      { type: 'delta', text: ' reading.' },
      { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 21, outputTokens: 6 } },
    ]);
    const request = stub.requests.at(-1)!;
    assert.equal(request.path, '/v1/chat/completions');
    assert.equal(request.headers.authorization, 'Bearer sk-local-secret');
    assert.deepEqual(request.body, {
      model: MODEL,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Why stream?' },
      ],
      max_tokens: 50,
      temperature: 0.3,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('asks for the whole completion when the model does not stream', async () => {
    reply = () => ({ json: openAiCompletion('All at once.', { finishReason: 'length', promptTokens: 5, completionTokens: 4 }) });
    const parts = await collect(provider.chatModel(MODEL, { streaming: false }).stream(call()));
    assert.equal(stub.requests.at(-1)!.body.stream, false);
    assert.deepEqual(parts, [
      { type: 'delta', text: 'All at once.' },
      { type: 'finish', stopReason: 'max_tokens', usage: { inputTokens: 5, outputTokens: 4 } },
    ]);
  });

  it('passes tool calls through as trace parts', async () => {
    const base = { id: 'c', object: 'chat.completion.chunk', created: 1, model: MODEL };
    reply = () => ({
      contentType: 'text/event-stream',
      steps: [
        { send: sseEvent({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }] } }] }) },
        { send: sseEvent({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] } }] }) },
        { send: sseEvent({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }) },
        { send: 'data: [DONE]\n\n' },
      ],
    });
    const parts = await collect(provider.chatModel(MODEL).stream(call()));
    assert.deepEqual(parts[0], { type: 'trace', data: { type: 'tool_use', tool_use_id: 'call_1', name: 'get_weather', input: { city: 'Paris' } } });
    assert.equal((parts[1] as { stopReason: string }).stopReason, 'tool_use');
  });

  const statuses: [number, string][] = [
    [429, 'upstream_throttled'],
    [401, 'upstream_access_denied'],
    [404, 'upstream_not_found'],
    [400, 'upstream_invalid_request'],
    [500, 'upstream_error'],
    [503, 'upstream_unavailable'],
  ];
  for (const [status, code] of statuses) {
    it(`maps HTTP ${status} to ${code}`, async () => {
      reply = () => ({ status, json: { error: { message: 'nope', type: 'error' } } });
      const { error } = await collectUntilError(provider.chatModel(MODEL).stream(call()));
      assert.ok(error instanceof GatewayError);
      assert.equal(error.code, code);
    });
  }

  it('maps a refused connection to upstream_unavailable', async () => {
    const closed = createOpenAiCompatibleProvider({ name: 'gone', baseUrl: `http://127.0.0.1:${await closedPort()}/v1` });
    const { error } = await collectUntilError(closed.chatModel(MODEL).stream(call()));
    assert.equal((error as GatewayError).code, 'upstream_unavailable');
    assert.equal((await closed.check()).status, 'error');
  });

  it('fails with upstream_error on an error chunk mid-stream, after the text already sent', async () => {
    reply = () => ({ contentType: 'text/event-stream', steps: [openAiChunkSteps(['Half'])[1]!, { send: sseEvent({ error: { message: 'CUDA out of memory' } }) }] });
    const { values, error } = await collectUntilError(provider.chatModel(MODEL).stream(call()));
    assert.deepEqual(values, [{ type: 'delta', text: 'Half' }]);
    assert.equal((error as GatewayError).code, 'upstream_error');
  });

  it('fails with upstream_bad_response on a malformed chunk or a stream cut before its end', async () => {
    reply = () => ({ contentType: 'text/event-stream', steps: [openAiChunkSteps(['Kept'])[1]!, { send: 'data: {"choices": [{"delta": \n\n' }] });
    const malformed = await collectUntilError(provider.chatModel(MODEL).stream(call()));
    assert.deepEqual(malformed.values, [{ type: 'delta', text: 'Kept' }]);
    assert.equal((malformed.error as GatewayError).code, 'upstream_bad_response');

    reply = () => ({ contentType: 'text/event-stream', steps: openAiChunkSteps(['Kept']).slice(0, 2) });
    const truncated = await collectUntilError(provider.chatModel(MODEL).stream(call()));
    assert.equal((truncated.error as GatewayError).code, 'upstream_bad_response');
  });

  it('closes the connection when the call is aborted mid-stream', async () => {
    const hold = gate();
    reply = () => ({ contentType: 'text/event-stream', steps: [...openAiChunkSteps(['first']).slice(0, 2), { wait: hold.promise }, ...openAiChunkSteps(['never']).slice(1)] });
    const controller = new AbortController();
    const parts: ChatModelPart[] = [];
    for await (const part of provider.chatModel(MODEL).stream(call({ signal: controller.signal }))) {
      parts.push(part);
      controller.abort();
    }
    assert.deepEqual(parts, [{ type: 'delta', text: 'first' }]);
    assert.equal((await stub.requests.at(-1)!.outcome).closedByClient, true);
    hold.release();
  });

  it('embeds text', async () => {
    reply = () => ({ json: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2, 0.3] }], model: 'bge', usage: { prompt_tokens: 4, total_tokens: 4 } } });
    const result = await provider.embeddingModel!('bge').embed({ upstreamModelId: 'bge', text: 'hello world', signal: new AbortController().signal });
    assert.deepEqual(result, { embedding: [0.1, -0.2, 0.3], inputTokens: 4 });
    assert.deepEqual(stub.requests.at(-1)!.body, { model: 'bge', input: 'hello world' });
  });

  it('reports ok when the server lists its models', async () => {
    reply = () => ({ json: { object: 'list', data: [{ id: MODEL }] } });
    assert.deepEqual(await provider.check(), { status: 'ok' });
  });
});
