import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFixture } from '../../test-support/read-fixture.js';
import { CapturingUsageSink } from '../../test-support/capture-usage.js';
import { eventsOf, nextEvent, replyText } from '../../test-support/reply-text.js';
import { postSse } from '../../test-support/sse-client.js';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import { framesFromFixture, startBedrockStub, type BedrockStub, type BedrockStubReply, type BedrockStubRequest } from '../../test-support/stubs/bedrock-stub.js';
import { stubAwsEnvironment } from '../../test-support/stubs/stub-aws-settings.js';

const toolFixture = readFixture<[string, unknown][]>('../../providers/bedrock/__fixtures__/converse-stream-tool-use.json', import.meta.url);
const PNG = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');

async function post(gateway: TestGateway, path: string, body: unknown, headers: Record<string, string> = gateway.headers) {
  const response = await fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
}

describe('the Bedrock routes', () => {
  let stub: BedrockStub;
  let gateway: TestGateway;
  const usage = new CapturingUsageSink();
  const replies = new Map<string, (request: BedrockStubRequest) => BedrockStubReply>();

  before(async () => {
    stub = await startBedrockStub((request) => replies.get(request.modelId ?? '')?.(request) ?? { error: { status: 404, type: 'ResourceNotFoundException' } });
    gateway = await startGateway(
      { ...stubAwsEnvironment(stub.url), BEDROCK_MODELS: 'claude=anthropic.claude-3-5-sonnet-20240620-v1:0', DEFAULT_MODEL: 'claude' },
      { usage },
    );
  });
  after(async () => {
    await gateway.close();
    await stub.close();
  });

  it('require a key, like every other route', async () => {
    for (const path of ['/api/v1/bedrock/converse-stream', '/api/v1/bedrock/images/generate', '/api/v1/bedrock/embeddings/text']) {
      const { status, body } = await post(gateway, path, {}, {});
      assert.equal(status, 401, path);
      assert.equal(body.error.code, 'unauthorized');
    }
  });

  it('converse-stream: passes a Converse request through and streams text, tool use and the stop reason', async () => {
    replies.set('anthropic.claude-3-5-sonnet-20240620-v1:0', () => ({ steps: framesFromFixture(toolFixture) }));
    const toolConfig = { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } }] };
    const messages = [
      { role: 'user', content: [{ text: 'Weather in Paris?' }] },
      { role: 'assistant', content: [{ text: 'Checking.' }, { toolUse: { toolUseId: 't0', name: 'get_weather', input: { city: 'Lyon' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 't0', content: [{ text: '18C' }] } }, { text: 'Now Paris, please.' }] },
    ];
    const events = await eventsOf(
      postSse(
        `${gateway.url}/api/v1/bedrock/converse-stream`,
        { modelId: 'claude', messages, system: [{ text: 'You are a weather bot.' }], inferenceConfig: { maxTokens: 300, topP: 0.9 }, toolConfig },
        gateway.headers,
        AbortSignal.timeout(10_000),
      ),
    );
    assert.deepEqual(events.map((event) => event.event), ['start', 'message', 'trace', 'done']);
    assert.equal(replyText(events), 'Let me check the weather.');
    assert.deepEqual(events[2]!.data.data, { type: 'tool_use', tool_use_id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } });
    assert.equal(events[3]!.data.stop_reason, 'tool_use');
    assert.deepEqual(events[3]!.data.usage, { input_tokens: 412, output_tokens: 53 });
    const sent = stub.requests.at(-1)!.body;
    assert.deepEqual(sent.messages, messages, 'content blocks (tool use, tool results) reach Bedrock as sent');
    assert.deepEqual(sent.toolConfig, toolConfig);
    assert.deepEqual(sent.system, [{ text: 'You are a weather bot.' }]);
    assert.deepEqual(sent.inferenceConfig, { maxTokens: 300, topP: 0.9 });
    const record = await usage.waitFor((entry) => entry.requestId === events[0]!.data.request_id);
    assert.equal(record.outcome, 'completed');
    assert.equal(record.inputTokens, 412);
  });

  it('converse-stream: refuses models that Bedrock does not serve, and bodies that end with the assistant', async () => {
    const simulator = await post(gateway, '/api/v1/bedrock/converse-stream', { modelId: 'simulator', messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
    assert.equal(simulator.status, 400);
    assert.equal(simulator.body.error.code, 'invalid_request');
    assert.match(simulator.body.error.message, /not Bedrock/);
    const last = await post(gateway, '/api/v1/bedrock/converse-stream', { modelId: 'claude', messages: [{ role: 'assistant', content: [{ text: 'hi' }] }] });
    assert.equal(last.status, 400);
    const unknown = await post(gateway, '/api/v1/bedrock/converse-stream', { modelId: 'gpt-5', messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'model_not_found');
  });

  it('images/generate: asks Titan Image Generator through InvokeModel and returns the image', async () => {
    replies.set('amazon.titan-image-generator-v2:0', () => ({ json: { images: [PNG], error: null } }));
    const { status, body } = await post(gateway, '/api/v1/bedrock/images/generate', { prompt: 'A lighthouse at dawn', width: 512, height: 512, seed: 7 });
    assert.equal(status, 200);
    assert.deepEqual(body, { image: PNG, model: 'titan-image-generator-v2' });
    const request = stub.requests.at(-1)!;
    assert.equal(request.operation, 'invoke');
    assert.deepEqual(request.body, {
      taskType: 'TEXT_IMAGE',
      textToImageParams: { text: 'A lighthouse at dawn' },
      imageGenerationConfig: { numberOfImages: 1, width: 512, height: 512, seed: 7 },
    });
  });

  it('images/generate: Nova Canvas by name; a refused prompt is a 400 with the reason', async () => {
    replies.set('amazon.nova-canvas-v1:0', () => ({ json: { images: [], error: 'This request has been blocked by our content filters.' } }));
    const { status, body } = await post(gateway, '/api/v1/bedrock/images/generate', { prompt: 'something blocked', model: 'nova-canvas' });
    assert.equal(status, 400);
    assert.equal(body.error.code, 'upstream_invalid_request');
    assert.match(body.error.message, /content filters/);
  });

  it('embeddings/text: asks Titan Text Embeddings v2 and returns the vector, with a usage record', async () => {
    replies.set('amazon.titan-embed-text-v2:0', () => ({ json: { embedding: [0.12, -0.5, 0.33], inputTextTokenCount: 3, embeddingsByType: { float: [0.12, -0.5, 0.33] } } }));
    const { status, body } = await post(gateway, '/api/v1/bedrock/embeddings/text', { text: 'hello world', dimensions: 256, normalize: true });
    assert.equal(status, 200);
    assert.deepEqual(body, { embedding: [0.12, -0.5, 0.33], model: 'titan-embed-text-v2', input_tokens: 3 });
    assert.deepEqual(stub.requests.at(-1)!.body, { inputText: 'hello world', dimensions: 256, normalize: true });
    const record = await usage.waitFor((entry) => entry.model === 'titan-embed-text-v2');
    assert.equal(record.inputTokens, 3);
    assert.equal(record.outcome, 'completed');
  });

  it('embeddings/text: maps throttling to 429 upstream_throttled and validates the body', async () => {
    replies.set('amazon.titan-embed-text-v2:0', () => ({ error: { status: 429, type: 'ThrottlingException' } }));
    const throttled = await post(gateway, '/api/v1/bedrock/embeddings/text', { text: 'hello' });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.error.code, 'upstream_throttled');
    const invalid = await post(gateway, '/api/v1/bedrock/embeddings/text', { text: 'hello', dimensions: 300 });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.error.code, 'invalid_request');
  });
});

describe('the Bedrock routes without Bedrock', () => {
  it('say which models are missing and how to enable them', async () => {
    const gateway = await startGateway({});
    try {
      const { status, body } = await post(gateway, '/api/v1/bedrock/embeddings/text', { text: 'hello' });
      assert.equal(status, 404);
      assert.equal(body.error.code, 'model_not_found');
      assert.match(body.error.message, /AWS_REGION/);
    } finally {
      await gateway.close();
    }
  });
});
