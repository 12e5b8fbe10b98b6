import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CapturingUsageSink } from '../../test-support/capture-usage.js';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import { converseStreamSteps, startBedrockStub, type BedrockStub, type BedrockStubReply, type BedrockStubRequest } from '../../test-support/stubs/bedrock-stub.js';
import { stubAwsEnvironment } from '../../test-support/stubs/stub-aws-settings.js';

// The design documents' integration plan replaces an app's own Bedrock service with calls to the
// gateway. These are its three calls, as the plan writes them, read the way the app reads them.

const CLAUDE = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const PNG = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');

/** The app's reading of the stream: every `data: ` line is JSON. */
async function dataLines(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)) as Record<string, unknown>);
}

describe("the design documents' integration plan, unchanged", () => {
  let stub: BedrockStub;
  let gateway: TestGateway;
  const usage = new CapturingUsageSink();
  const replies = new Map<string, (request: BedrockStubRequest) => BedrockStubReply>([
    [CLAUDE, () => ({ steps: converseStreamSteps(['Hello', ' from', ' Bedrock'], { inputTokens: 12, outputTokens: 3 }) })],
    ['amazon.titan-image-generator-v2:0', () => ({ json: { images: [PNG], error: null } })],
    ['amazon.titan-embed-text-v2:0', () => ({ json: { embedding: [0.1, 0.2], inputTextTokenCount: 2 } })],
  ]);
  const post = (path: string, body: unknown) =>
    fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...gateway.headers }, body: JSON.stringify(body) });

  before(async () => {
    stub = await startBedrockStub((request) => replies.get(request.modelId ?? '')?.(request) ?? { error: { status: 404, type: 'ResourceNotFoundException' } });
    gateway = await startGateway({ ...stubAwsEnvironment(stub.url), BEDROCK_MODELS: `claude=${CLAUDE}`, DEFAULT_MODEL: 'claude' }, { usage });
  });
  after(async () => {
    await gateway.close();
    await stub.close();
  });

  it('converse-stream with plain-string contents, system_prompt, model_id and keyword arguments streams the reply', async () => {
    const response = await post('/api/v1/bedrock/converse-stream', {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello! How can I help?' },
        { role: 'user', content: 'Hello' },
      ],
      system_prompt: 'You are a helpful assistant.',
      model_id: CLAUDE,
      max_tokens: 200,
      temperature: 0.5,
    });
    assert.equal(response.status, 200);
    const lines = await dataLines(response);
    assert.equal(lines.map((line) => line.content ?? '').join(''), 'Hello from Bedrock');
    assert.equal(lines.at(-1)!.status, 'complete');
    assert.deepEqual(lines.at(-1)!.usage, { input_tokens: 12, output_tokens: 3 });

    const sent = stub.requests.at(-1)!;
    assert.equal(sent.modelId, CLAUDE);
    assert.deepEqual(sent.body.messages, [
      { role: 'user', content: [{ text: 'Hi' }] },
      { role: 'assistant', content: [{ text: 'Hello! How can I help?' }] },
      { role: 'user', content: [{ text: 'Hello' }] },
    ]);
    assert.deepEqual(sent.body.system, [{ text: 'You are a helpful assistant.' }]);
    assert.deepEqual(sent.body.inferenceConfig, { maxTokens: 200, temperature: 0.5 });
    const record = await usage.waitFor((entry) => entry.model === 'claude' && entry.outputTokens === 3);
    assert.equal(record.outcome, 'completed');
  });

  it('images/generate {prompt} answers {image}, and embeddings/text {text} answers {embedding}', async () => {
    const image = await post('/api/v1/bedrock/images/generate', { prompt: 'A lighthouse at dawn' });
    assert.equal(image.status, 200);
    assert.equal(((await image.json()) as { image: string }).image, PNG);
    const embedding = await post('/api/v1/bedrock/embeddings/text', { text: 'hello world' });
    assert.equal(embedding.status, 200);
    assert.deepEqual(((await embedding.json()) as { embedding: number[] }).embedding, [0.1, 0.2]);
  });

  it('one field given in both shapes at once is refused, naming both; unknown fields are still refused', async () => {
    const both = await post('/api/v1/bedrock/converse-stream', { messages: [{ role: 'user', content: 'Hello' }], max_tokens: 10, inferenceConfig: { maxTokens: 20 } });
    assert.equal(both.status, 400);
    const error = ((await both.json()) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'invalid_request');
    assert.match(error.message, /inferenceConfig\.maxTokens or max_tokens, not both/);
    const unknown = await post('/api/v1/bedrock/converse-stream', { messages: [{ role: 'user', content: 'Hello' }], top_k: 5 });
    assert.equal(unknown.status, 400);
    assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /top_k/);
  });
});
