import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startOpenAiSurface, type OpenAiSurfaceFixture } from '../../test-support/openai-surface-fixture.js';

// Fields the gateway does not handle itself are never dropped silently: an OpenAI-compatible
// upstream gets them as sent, any other upstream refuses them by name.

/** Each with a value that asks for something beyond a plain text reply. */
const FIELDS_OTHER_UPSTREAMS_CANNOT_HONOUR: Record<string, unknown> = {
  logprobs: true,
  reasoning_effort: 'low',
  metadata: { team: 'a' },
  store: true,
  service_tier: 'flex',
  modalities: ['text', 'audio'],
  audio: { voice: 'alloy', format: 'wav' },
  prediction: { type: 'content', content: 'Hello' },
  functions: [{ name: 'lookup', parameters: { type: 'object' } }],
  seed: 7,
  a_field_nobody_knows: 1,
};

describe('chat completion fields the gateway does not handle itself', () => {
  let surface: OpenAiSurfaceFixture;
  let client: OpenAI;
  const messages = [{ role: 'user' as const, content: 'Hello' }];

  before(async () => {
    surface = await startOpenAiSurface();
    client = new OpenAI({ apiKey: surface.gateway.key, baseURL: surface.baseUrl, maxRetries: 0, timeout: 10_000 });
  });
  after(() => surface.close());

  it('reach an OpenAI-compatible upstream as sent', async () => {
    const completion = await client.chat.completions.create({ model: 'stub-chat', messages, ...FIELDS_OTHER_UPSTREAMS_CANNOT_HONOUR } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.equal(completion.choices[0]!.message.content, 'Hello from the stub');
    const sent = surface.stub.requests.at(-1)!.body as Record<string, unknown>;
    for (const [field, value] of Object.entries(FIELDS_OTHER_UPSTREAMS_CANNOT_HONOUR)) assert.deepEqual(sent[field], value, field);
  });

  it('are refused for another upstream with an OpenAI-style unsupported_parameter error naming the field', async () => {
    for (const [field, value] of Object.entries(FIELDS_OTHER_UPSTREAMS_CANNOT_HONOUR)) {
      const refused = await client.chat.completions.create({ model: 'simulator', messages, [field]: value } as OpenAI.ChatCompletionCreateParamsNonStreaming).then(
        () => assert.fail(`${field} was accepted`),
        (error: unknown) => error,
      );
      assert.ok(refused instanceof OpenAI.BadRequestError, field);
      assert.equal(refused.code, 'unsupported_parameter', field);
      assert.equal(refused.param, field);
      assert.equal((refused.error as { type: string }).type, 'invalid_request_error');
      assert.match(refused.message, new RegExp(`does not support "${field}"`));
    }
  });

  it('are accepted everywhere with values that ask for nothing more than a plain reply, as SDKs send by default', async () => {
    const completion = await client.chat.completions.create({
      model: 'simulator',
      messages,
      logprobs: false,
      store: false,
      parallel_tool_calls: true,
      modalities: ['text'],
      service_tier: 'auto',
      metadata: {},
      presence_penalty: 0,
      frequency_penalty: 0,
      response_format: { type: 'text' },
      user: 'end-user-1',
    });
    assert.match(completion.choices[0]!.message.content!, /^You said: "Hello"/);
  });

  it('an unknown /v1 route answers in OpenAI\'s error shape, which the SDK raises as NotFoundError', async () => {
    const missing = await client.completions.create({ model: 'simulator', prompt: 'Hello' }).then(
      () => assert.fail('/v1/completions answered'),
      (error: unknown) => error,
    );
    assert.ok(missing instanceof OpenAI.NotFoundError);
    assert.equal(missing.code, 'not_found');
    assert.equal((missing.error as { type: string }).type, 'invalid_request_error');
    assert.match(missing.message, /No route POST \/v1\/completions/);
    const raw = (await (await fetch(`${surface.baseUrl}/nothing-here`, { headers: { authorization: `Bearer ${surface.gateway.key}` } })).json()) as { error: Record<string, unknown> };
    assert.deepEqual(Object.keys(raw.error).sort(), ['code', 'message', 'param', 'request_id', 'type'], "OpenAI's fields, and StreamGate's request_id");
  });
});
