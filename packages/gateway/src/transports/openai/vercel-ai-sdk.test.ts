import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embed, generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { startOpenAiSurface, stubEmbedding, type OpenAiSurfaceFixture } from '../../test-support/openai-surface-fixture.js';

describe('the Vercel AI SDK (@ai-sdk/openai-compatible), unchanged, against the gateway', () => {
  let surface: OpenAiSurfaceFixture;
  let streamgate: ReturnType<typeof createOpenAICompatible>;

  before(async () => {
    surface = await startOpenAiSurface();
    streamgate = createOpenAICompatible({ name: 'streamgate', baseURL: surface.baseUrl, apiKey: surface.gateway.key, includeUsage: true });
  });
  after(() => surface.close());

  it('generateText with the simulator: text, usage and finish reason', async () => {
    const result = await generateText({ model: streamgate('simulator'), system: 'Be brief.', prompt: 'Hello from Vercel', maxRetries: 0 });
    assert.match(result.text, /^You said: "Hello from Vercel"/);
    assert.equal(result.finishReason, 'stop');
    assert.ok((result.usage.outputTokens ?? 0) > 0);
    assert.ok((result.usage.inputTokens ?? 0) > 0);
  });

  it('streamText with the simulator and with the stub: every delta, then the usage', async () => {
    const simulated = streamText({ model: streamgate('simulator'), prompt: 'Stream to Vercel', maxRetries: 0 });
    const pieces: string[] = [];
    for await (const piece of simulated.textStream) pieces.push(piece);
    assert.ok(pieces.length > 1, 'the reply arrives in pieces');
    assert.match(pieces.join(''), /^You said: "Stream to Vercel"/);
    assert.equal(await simulated.finishReason, 'stop');

    const stubbed = streamText({ model: streamgate('stub-chat'), prompt: 'Hi', maxRetries: 0 });
    assert.equal(await stubbed.text, 'Hello from the stub');
    assert.deepEqual([(await stubbed.usage).inputTokens, (await stubbed.usage).outputTokens], [11, 4]);
  });

  it('runs a tool loop: the model calls the tool, the SDK runs it, the result goes back upstream', async () => {
    const calls: string[] = [];
    const result = await generateText({
      model: streamgate('stub-chat'),
      prompt: 'Weather in Paris?',
      tools: {
        get_weather: tool({
          description: 'The weather in a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => {
            calls.push(city);
            return { celsius: 21 };
          },
        }),
      },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    assert.deepEqual(calls, ['Paris']);
    assert.equal(result.text, 'Hello from the stub');
    const sent = surface.stub.requests.at(-1)!.body.messages;
    assert.equal(sent.at(-1).role, 'tool');
    assert.equal(sent.at(-1).tool_call_id, 'call_weather');
  });

  it('streamText surfaces a gateway error as an error part', async () => {
    const errors: unknown[] = [];
    const result = streamText({ model: streamgate('gpt-nope'), prompt: 'Hi', maxRetries: 0, onError: ({ error }) => void errors.push(error) });
    for await (const _piece of result.textStream) {
      // drained
    }
    assert.equal(errors.length, 1);
    assert.match(String((errors[0] as { responseBody?: string }).responseBody), /"code":"model_not_found"/);
  });

  it('embeds through the gateway', async () => {
    const { embedding } = await embed({ model: streamgate.textEmbeddingModel('stub-embed'), value: 'seven', maxRetries: 0 });
    assert.deepEqual(embedding, stubEmbedding('seven'));
  });
});
