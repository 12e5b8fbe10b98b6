import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startGateway, TEST_KEY, type TestGateway } from '../../test-support/start-gateway.js';
import { converseStreamSteps, startBedrockStub, type BedrockStub } from '../../test-support/stubs/bedrock-stub.js';
import { stubAwsEnvironment } from '../../test-support/stubs/stub-aws-settings.js';

// /docs "Try it out" sends each operation's example body. On a gateway set up as the README's
// Bedrock section sets it up, every one of them must work as shown, and quickly.

const ADMIN_KEY = 'sg-admin-openapi-examples-0123456789';
const PNG = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');

let stub: BedrockStub;
let harness: TestGateway;
before(async () => {
  stub = await startBedrockStub((request) => {
    if (request.operation === 'converse-stream') return { steps: converseStreamSteps(['Hello', ' there']) };
    if (request.modelId?.includes('image')) return { json: { images: [PNG], error: null } };
    return { json: { embedding: [0.1, 0.2], inputTextTokenCount: 2 } };
  });
  harness = await startGateway(
    { ...stubAwsEnvironment(stub.url), BEDROCK_MODELS: 'claude=anthropic.claude-3-5-haiku-20241022-v1:0', ADMIN_API_KEY: ADMIN_KEY, API_KEYS: TEST_KEY },
    {},
  );
});
after(async () => {
  await harness.close();
  await stub.close();
});

interface Operation {
  method: string;
  path: string;
  example: unknown;
}

test("every operation's example body works as shown in /docs", async () => {
  const document = (await harness.gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { example?: unknown; examples?: unknown[] } }> } }>>;
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      if (!schema) continue;
      operations.push({ method: method.toUpperCase(), path, example: schema.example ?? schema.examples?.[0] });
    }
  }
  assert.ok(operations.length >= 10, `found ${operations.length} operations with a body`);
  for (const operation of operations) assert.notEqual(operation.example, undefined, `${operation.method} ${operation.path} has an example`);

  // A key to act on first: the paths that name one use it.
  const created = operations.find((operation) => operation.method === 'POST' && operation.path === '/v1/admin/keys')!;
  const keyId = (await harness.gateway.app.inject({ method: 'POST', url: created.path, headers: { 'x-api-key': ADMIN_KEY }, payload: created.example as object })).json().key.id as string;

  for (const operation of operations) {
    const url = operation.path.replace('{key_id}', keyId);
    const started = performance.now();
    // Over a real socket, as the browser sends it: a stream must end by itself.
    const response = await fetch(`${harness.url}${url}`, {
      method: operation.method,
      headers: { 'content-type': 'application/json', 'x-api-key': url.startsWith('/v1/admin/') ? ADMIN_KEY : TEST_KEY },
      body: JSON.stringify(operation.example),
      signal: AbortSignal.timeout(10_000),
    });
    const body = await response.text();
    assert.ok(response.status < 400, `${operation.method} ${operation.path}: ${response.status} ${body.slice(0, 300)}`);
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) assert.match(body, /event: done/, `${operation.method} ${operation.path} streams to the end`);
    assert.ok(performance.now() - started < 5_000, `${operation.method} ${operation.path} answers within seconds`);
  }
});
