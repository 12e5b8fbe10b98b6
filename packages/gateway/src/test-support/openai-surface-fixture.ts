import { CapturingUsageSink } from './capture-usage.js';
import { startGateway, type TestGateway } from './start-gateway.js';
import { sseEvent, type HttpStub, type HttpStubReply, type HttpStubRequest } from './stubs/http-stub.js';
import { openAiChunkSteps, openAiCompletion, startOpenAiCompatibleStub } from './stubs/openai-compatible-stub.js';
import { gate, type StubStep } from './stubs/stub-step.js';
import { temporaryModelsFile } from './temporary-models-file.js';

/** A 1x1 transparent PNG, base64. */
export const TINY_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** What the stub embeds a text as: its length, then two fixed numbers (exact in float32). */
export const stubEmbedding = (text: string) => [text.length, 0.5, -0.25];

const CHUNK = { id: 'chatcmpl-stub', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'stub-model' };

/** A streamed tool call, its arguments split over two chunks, as OpenAI sends them. */
function toolCallSteps(): StubStep<string>[] {
  const delta = (value: unknown, finishReason: string | null = null) => sseEvent({ ...CHUNK, choices: [{ index: 0, delta: value, finish_reason: finishReason }] });
  return [
    { send: delta({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_weather', type: 'function', function: { name: 'get_weather', arguments: '' } }] }) },
    { send: delta({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }) },
    { send: delta({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }) },
    { send: delta({}, 'tool_calls') },
    { send: sseEvent({ ...CHUNK, choices: [], usage: { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27 } }) },
    { send: 'data: [DONE]\n\n' },
  ];
}

function lastText(request: HttpStubRequest): string {
  const content = request.body?.messages?.at(-1)?.content;
  return typeof content === 'string' ? content : '';
}

/**
 * The stub's answers. Magic words in the last message choose a behaviour: `FAIL429` (the upstream
 * throttles), `HOLD` (one chunk, then nothing until the caller hangs up), `CUT` (one chunk, then the
 * connection drops once the test calls `releaseCut`). With `tools` in the body and no tool result yet, the model calls `get_weather`.
 */
function answer(release: Promise<void>, cut: () => Promise<void>) {
  return (request: HttpStubRequest): HttpStubReply => {
    if (request.path === '/v1/embeddings') {
      const inputs: string[] = Array.isArray(request.body.input) ? request.body.input : [request.body.input];
      return { json: { object: 'list', data: inputs.map((input, index) => ({ object: 'embedding', index, embedding: stubEmbedding(input) })), usage: { prompt_tokens: 3, total_tokens: 3 } } };
    }
    if (request.path === '/v1/images/generations') return { json: { created: 1_700_000_000, data: [{ b64_json: TINY_PNG }] } };
    if (request.path === '/v1/models') return { json: { object: 'list', data: [] } };
    const text = lastText(request);
    const stream = request.body?.stream === true;
    if (text.includes('FAIL429')) return { status: 429, json: { error: { message: 'Slow down.', type: 'rate_limit_error' } } };
    const wantsTool = Array.isArray(request.body?.tools) && request.body.messages.at(-1)?.role !== 'tool';
    if (wantsTool && stream) return { contentType: 'text/event-stream', steps: toolCallSteps() };
    if (wantsTool) {
      const completion = openAiCompletion('', { finishReason: 'tool_calls', promptTokens: 20, completionTokens: 7 });
      completion.choices[0]!.message = {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      } as never;
      return { json: completion };
    }
    const [first] = openAiChunkSteps(['Hello']);
    if (text.includes('HOLD')) return { contentType: 'text/event-stream', steps: [first!, openAiChunkSteps(['Hello'])[1]!, { wait: release }] };
    if (text.includes('CUT')) return { contentType: 'text/event-stream', steps: [first!, openAiChunkSteps(['Hello'])[1]!, { wait: cut() }, { destroy: true }] };
    return stream
      ? { contentType: 'text/event-stream', steps: openAiChunkSteps(['Hello', ' from', ' the stub'], { promptTokens: 11, completionTokens: 4 }) }
      : { json: openAiCompletion('Hello from the stub', { promptTokens: 11, completionTokens: 4 }) };
  };
}

export interface OpenAiSurfaceFixture {
  gateway: TestGateway;
  stub: HttpStub;
  usage: CapturingUsageSink;
  /** `http://127.0.0.1:PORT/v1`, what OpenAI clients take as their base URL. */
  baseUrl: string;
  /** Lets the stub drop the connection of the `CUT` reply it is holding. */
  releaseCut(): void;
  close(): Promise<void>;
}

/**
 * A listening gateway whose models are the simulator and an OpenAI-compatible stub:
 * `stub-chat` (chat), `stub-embed` (embeddings), `stub-image` (images). No retries, so that an
 * upstream failure reaches the client at once.
 */
export async function startOpenAiSurface(): Promise<OpenAiSurfaceFixture> {
  const held = gate();
  let cut = gate();
  const stub = await startOpenAiCompatibleStub(
    answer(held.promise, () => {
      const current = cut;
      return current.promise.then(() => {
        if (cut === current) cut = gate();
      });
    }),
  );
  const models = temporaryModelsFile({
    providers: { stub: { type: 'openai-compatible', baseUrl: `${stub.url}/v1` } },
    models: [
      { id: 'stub-chat', provider: 'stub', upstream: 'stub-model' },
      { id: 'stub-embed', kind: 'embedding', provider: 'stub', upstream: 'stub-embedding-model' },
      { id: 'stub-image', kind: 'image', provider: 'stub', upstream: 'stub-image-model' },
    ],
  });
  const usage = new CapturingUsageSink();
  const gateway = await startGateway(
    { MODELS_FILE: models.path, UPSTREAM_RETRIES: '0', SIMULATOR_TTFT_MS: '0', SIMULATOR_TOKENS_PER_SECOND: '0', LOG_LEVEL: 'warn' },
    { usage },
  );
  return {
    gateway,
    stub,
    usage,
    baseUrl: `${gateway.url}/v1`,
    releaseCut: () => cut.release(),
    close: async () => {
      held.release();
      cut.release();
      await gateway.close();
      await stub.close();
      models.remove();
    },
  };
}
