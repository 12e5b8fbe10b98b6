import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startOpenAiSurface, stubEmbedding, TINY_PNG, type OpenAiSurfaceFixture } from '../../test-support/openai-surface-fixture.js';

const WEATHER_TOOL = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe('the official openai SDK, unchanged, against the gateway', () => {
  let surface: OpenAiSurfaceFixture;
  let client: OpenAI;

  before(async () => {
    surface = await startOpenAiSurface();
    client = new OpenAI({ apiKey: surface.gateway.key, baseURL: surface.baseUrl, maxRetries: 0, timeout: 10_000 });
  });
  after(() => surface.close());

  it('chats with the simulator: the reply, the usage, one usage record on the openai transport', async () => {
    const completion = await client.chat.completions.create({ model: 'simulator', messages: [{ role: 'user', content: 'Hello gateway' }] });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.model, 'simulator');
    assert.match(completion.choices[0]!.message.content!, /^You said: "Hello gateway"/);
    assert.equal(completion.choices[0]!.finish_reason, 'stop');
    assert.ok(completion.usage!.completion_tokens > 0);
    assert.equal(completion.usage!.total_tokens, completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    const record = await surface.usage.waitFor((candidate) => completion.id === `chatcmpl-${candidate.requestId}`);
    assert.deepEqual([record.transport, record.outcome, record.model], ['openai', 'completed', 'simulator']);
  });

  it('sends the whole conversation to an OpenAI-compatible upstream as the client wrote it', async () => {
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'Hi' },
      { role: 'assistant' as const, content: 'Hello!' },
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'How are you?' }] },
    ];
    const completion = await client.chat.completions.create({ model: 'stub-chat', messages, max_tokens: 50, top_p: 0.5, seed: 7 });
    assert.equal(completion.choices[0]!.message.content, 'Hello from the stub');
    assert.deepEqual(completion.usage, { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 });
    const sent = surface.stub.requests.at(-1)!.body;
    assert.deepEqual(sent.messages, messages);
    assert.deepEqual([sent.model, sent.max_tokens, sent.top_p, sent.seed, sent.stream], ['stub-model', 50, 0.5, 7, false], 'a whole request asks the upstream for a whole reply');
  });

  it('streams chunks, then a usage chunk with stream_options.include_usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'simulator',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
      stream_options: { include_usage: true },
      simulate: { output_tokens: 6 },
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    assert.match(text, /^You said: "Stream please"/);
    assert.equal(chunks[0]!.choices[0]!.delta.role, 'assistant');
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'stop');
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.equal(last.usage!.completion_tokens, 6);
    assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === chunks[0]!.id));
  });

  it('streams the stub through the gateway without a usage chunk unless asked', async () => {
    const stream = await client.chat.completions.create({ model: 'stub-chat', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let text = '';
    let usageSeen = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usageSeen = true;
    }
    assert.equal(text, 'Hello from the stub');
    assert.equal(usageSeen, false);
  });

  it('returns tool calls, whole and streamed, and carries the tool result back to the upstream', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const whole = await client.chat.completions.create({ model: 'stub-chat', messages, tools: [WEATHER_TOOL], tool_choice: 'auto' });
    assert.equal(whole.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(whole.choices[0]!.message.content, null);
    assert.deepEqual(whole.choices[0]!.message.tool_calls, [{ id: 'call_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    assert.deepEqual(surface.stub.requests.at(-1)!.body.tools, [WEATHER_TOOL]);
    assert.equal(surface.stub.requests.at(-1)!.body.tool_choice, 'auto');

    const stream = await client.chat.completions.create({ model: 'stub-chat', messages, tools: [WEATHER_TOOL], stream: true });
    const calls: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      calls.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    assert.equal(finishReason, 'tool_calls');
    assert.deepEqual(calls, [{ index: 0, id: 'call_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);

    const followUp: OpenAI.ChatCompletionMessageParam[] = [
      ...messages,
      whole.choices[0]!.message as OpenAI.ChatCompletionMessageParam,
      { role: 'tool', tool_call_id: 'call_weather', content: '{"celsius":21}' },
    ];
    const answer = await client.chat.completions.create({ model: 'stub-chat', messages: followUp, tools: [WEATHER_TOOL] });
    assert.equal(answer.choices[0]!.message.content, 'Hello from the stub');
    const sent = surface.stub.requests.at(-1)!.body.messages;
    assert.deepEqual(sent.at(-1), { role: 'tool', tool_call_id: 'call_weather', content: '{"celsius":21}' });
    assert.equal(sent.at(-2).tool_calls[0].id, 'call_weather');
  });

  it('embeds one text or several, in the SDK’s default base64 encoding and as floats', async () => {
    const single = await client.embeddings.create({ model: 'stub-embed', input: 'four' });
    assert.deepEqual(single.data[0]!.embedding, stubEmbedding('four'));
    assert.equal(single.model, 'stub-embed');
    const several = await client.embeddings.create({ model: 'stub-embed', input: ['a', 'bb', 'ccc'], encoding_format: 'float' });
    assert.deepEqual(
      several.data.map((item) => [item.index, item.embedding]),
      ['a', 'bb', 'ccc'].map((text, index) => [index, stubEmbedding(text)]),
    );
    assert.equal(several.usage.prompt_tokens, 9);
    const record = await surface.usage.waitFor((candidate) => candidate.model === 'stub-embed' && candidate.inputTokens === 9);
    assert.deepEqual([record.transport, record.outcome], ['openai', 'completed']);
  });

  it('lists every model and retrieves one by id', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.deepEqual(ids.sort(), ['simulator', 'stub-chat', 'stub-embed', 'stub-image']);
    const model = await client.models.retrieve('stub-chat');
    assert.deepEqual([model.id, model.object, model.owned_by], ['stub-chat', 'model', 'stub']);
    const kinds = Object.fromEntries((await client.models.list()).data.map((entry) => [entry.id, (entry as unknown as { kind: string }).kind]));
    assert.deepEqual(kinds, { simulator: 'chat', 'stub-chat': 'chat', 'stub-embed': 'embedding', 'stub-image': 'image' });
    await assert.rejects(client.models.retrieve('gpt-nope'), (error: unknown) => error instanceof OpenAI.NotFoundError && error.code === 'model_not_found');
  });

  it('generates images as base64', async () => {
    const images = await client.images.generate({ model: 'stub-image', prompt: 'A lighthouse', size: '1024x1024', n: 2 });
    assert.deepEqual(
      images.data!.map((image) => image.b64_json),
      [TINY_PNG, TINY_PNG],
    );
    assert.equal(surface.stub.requests.at(-1)!.body.size, '1024x1024');
  });

  it('raises the SDK’s error classes, with OpenAI’s fields, for the gateway’s errors', async () => {
    const stranger = new OpenAI({ apiKey: 'sk-wrong', baseURL: surface.baseUrl, maxRetries: 0 });
    await assert.rejects(stranger.chat.completions.create({ model: 'simulator', messages: [{ role: 'user', content: 'Hi' }] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.AuthenticationError);
      assert.deepEqual([error.status, error.code, error.type], [401, 'unauthorized', 'authentication_error']);
      return true;
    });
    await assert.rejects(client.chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'Hi' }] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.NotFoundError);
      assert.deepEqual([error.code, error.param], ['model_not_found', 'model']);
      return true;
    });
    await assert.rejects(client.chat.completions.create({ model: 'simulator', messages: [{ role: 'user', content: 'Hi' }], temperature: 7 }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.deepEqual([error.code, error.param, error.type], ['invalid_request', 'temperature', 'invalid_request_error']);
      return true;
    });
    await assert.rejects(client.chat.completions.create({ model: 'stub-chat', messages: [{ role: 'user', content: 'FAIL429' }] }), OpenAI.RateLimitError);
  });

  it('reports a failure before the first token as an HTTP error, and one after it inside the stream', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'stub-chat', messages: [{ role: 'user', content: 'FAIL429' }], stream: true }),
      (error: unknown) => error instanceof OpenAI.RateLimitError && error.code === 'upstream_throttled',
    );
    const stream = await client.chat.completions.create({ model: 'stub-chat', messages: [{ role: 'user', content: 'CUT' }], stream: true });
    let text = '';
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? '';
          if (text) surface.releaseCut();
        }
      })(),
      (error: unknown) => error instanceof OpenAI.APIError && typeof error.code === 'string' && error.code.startsWith('upstream_'),
    );
    assert.equal(text, 'Hello');
  });

  it('aborts the upstream call when the client aborts mid-stream, and accounts it as cancelled', async () => {
    const controller = new AbortController();
    const before = surface.stub.requests.length;
    const stream = await client.chat.completions.create({ model: 'stub-chat', messages: [{ role: 'user', content: 'HOLD' }], stream: true }, { signal: controller.signal });
    const ids: string[] = [];
    // The SDK ends an aborted stream quietly.
    for await (const chunk of stream) {
      ids.push(chunk.id);
      controller.abort();
    }
    const upstream = surface.stub.requests[before]!;
    assert.deepEqual(await upstream.outcome, { closedByClient: true });
    const record = await surface.usage.waitFor((candidate) => ids[0] === `chatcmpl-${candidate.requestId}`);
    assert.equal(record.outcome, 'cancelled');
  });

  it('records turns in the session named by X-Session-Id', async () => {
    await client.chat.completions.create({ model: 'simulator', messages: [{ role: 'user', content: 'Remember me' }] }, { headers: { 'X-Session-Id': 'openai-session-1' } });
    const response = await fetch(`${surface.gateway.url}/v1/sessions/openai-session-1`, { headers: surface.gateway.headers });
    const session = (await response.json()) as { turns: { role: string; content: string }[] };
    assert.deepEqual(session.turns[0], { ...session.turns[0], role: 'user', content: 'Remember me' });
    assert.equal(session.turns.length, 2);
    await assert.rejects(
      client.chat.completions.create({ model: 'simulator', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'X-Session-Id': 'not a valid id' } }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && error.code === 'invalid_session_id',
    );
  });
});
