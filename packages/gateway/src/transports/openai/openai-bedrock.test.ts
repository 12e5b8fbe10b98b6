import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { readFixture } from '../../test-support/read-fixture.js';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import { converseStreamSteps, framesFromFixture, startBedrockStub, type BedrockStub, type BedrockStubReply, type BedrockStubRequest } from '../../test-support/stubs/bedrock-stub.js';
import { stubAwsEnvironment } from '../../test-support/stubs/stub-aws-settings.js';

const toolFixture = readFixture<[string, unknown][]>('../../providers/bedrock/__fixtures__/converse-stream-tool-use.json', import.meta.url);
const PNG = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
const CLAUDE = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const WEATHER_TOOL = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

describe('the OpenAI-compatible routes over Bedrock', () => {
  let stub: BedrockStub;
  let gateway: TestGateway;
  let client: OpenAI;
  const replies = new Map<string, (request: BedrockStubRequest) => BedrockStubReply>();

  before(async () => {
    stub = await startBedrockStub((request) => replies.get(request.modelId ?? '')?.(request) ?? { error: { status: 404, type: 'ResourceNotFoundException' } });
    gateway = await startGateway({ ...stubAwsEnvironment(stub.url), BEDROCK_MODELS: `claude=${CLAUDE}`, UPSTREAM_RETRIES: '0', LOG_LEVEL: 'warn' });
    client = new OpenAI({ apiKey: gateway.key, baseURL: `${gateway.url}/v1`, maxRetries: 0, timeout: 10_000 });
  });
  after(async () => {
    await gateway.close();
    await stub.close();
  });

  it('sends OpenAI tools as a Converse toolConfig and returns Bedrock’s tool use as tool_calls', async () => {
    replies.set(CLAUDE, () => ({ steps: framesFromFixture(toolFixture) }));
    const stream = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const calls: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finishReason: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      calls.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      usage = chunk.usage ?? usage;
    }
    assert.equal(text, 'Let me check the weather.');
    assert.deepEqual(calls, [
      { index: 0, id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } },
    ]);
    assert.equal(finishReason, 'tool_calls');
    assert.deepEqual(usage, { prompt_tokens: 412, completion_tokens: 53, total_tokens: 465 });
    const sent = stub.requests.at(-1)!.body;
    assert.deepEqual(sent.toolConfig, {
      tools: [{ toolSpec: { name: 'get_weather', description: 'The weather in a city', inputSchema: { json: WEATHER_TOOL.function.parameters } } }],
      toolChoice: { tool: { name: 'get_weather' } },
    });
  });

  it('sends the tool result back as a Converse toolResult', async () => {
    replies.set(CLAUDE, () => ({ steps: converseStreamSteps(['It is 21°C.']) }));
    const completion = await client.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'tooluse_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'tooluse_1', content: '{"celsius":21}' },
      ],
      tools: [WEATHER_TOOL],
    });
    assert.equal(completion.choices[0]!.message.content, 'It is 21°C.');
    const sent = stub.requests.at(-1)!.body;
    assert.deepEqual(sent.system, [{ text: 'Be brief.' }]);
    assert.deepEqual(sent.messages, [
      { role: 'user', content: [{ text: 'Weather in Paris?' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: '{"celsius":21}' }] } }] },
    ]);
  });

  it('generates images with Titan and embeds with Titan Text Embeddings', async () => {
    replies.set('amazon.titan-image-generator-v2:0', () => ({ json: { images: [PNG], error: null } }));
    const images = await client.images.generate({ model: 'titan-image-generator-v2', prompt: 'A lighthouse', size: '512x512', quality: 'hd', response_format: 'url' });
    assert.equal(images.data![0]!.url, `data:image/png;base64,${PNG}`);
    assert.deepEqual(stub.requests.at(-1)!.body.imageGenerationConfig, { numberOfImages: 1, width: 512, height: 512, quality: 'premium' });

    replies.set('amazon.titan-embed-text-v2:0', () => ({ json: { embedding: [0.5, -0.25], inputTextTokenCount: 2 } }));
    const embedded = await client.embeddings.create({ model: 'titan-embed-text-v2', input: 'hello', dimensions: 256 });
    assert.deepEqual(embedded.data[0]!.embedding, [0.5, -0.25]);
    assert.deepEqual(embedded.usage, { prompt_tokens: 2, total_tokens: 2 });
    assert.equal(stub.requests.at(-1)!.body.dimensions, 256);
  });
});
