import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { startOpenAiSurface, stubEmbedding, type OpenAiSurfaceFixture } from '../../test-support/openai-surface-fixture.js';

describe('LangChain.js (@langchain/openai), unchanged, against the gateway', () => {
  let surface: OpenAiSurfaceFixture;
  let configuration: { baseURL: string };

  // As docs/openai-compatibility.md configures it: the base URL through `configuration`, a StreamGate key.
  const chat = (model: string, apiKey = surface.gateway.key) => new ChatOpenAI({ model, apiKey, configuration, maxRetries: 0 });

  before(async () => {
    surface = await startOpenAiSurface();
    configuration = { baseURL: surface.baseUrl };
  });
  after(() => surface.close());

  it('invoke with a system and a human message: the simulator’s reply and its usage', async () => {
    const answer = await chat('simulator').invoke([
      ['system', 'Be brief.'],
      ['human', 'Hello from LangChain'],
    ]);
    assert.equal(typeof answer.content, 'string');
    assert.match(answer.text, /^You said: "Hello from LangChain"\. This is turn 1\./);
    assert.equal(answer.response_metadata.finish_reason, 'stop');
    assert.ok((answer.usage_metadata?.output_tokens ?? 0) > 0);
    assert.equal(answer.usage_metadata!.total_tokens, answer.usage_metadata!.input_tokens + answer.usage_metadata!.output_tokens);
  });

  it('invoke sends the system and human messages to an OpenAI-compatible upstream as OpenAI messages', async () => {
    const answer = await chat('stub-chat').invoke([
      ['system', 'Be brief.'],
      ['human', 'Hi'],
    ]);
    assert.equal(answer.text, 'Hello from the stub');
    assert.deepEqual(
      surface.stub.requests.at(-1)!.body.messages,
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    );
  });

  it('stream yields the reply in several chunks that add up to the whole reply', async () => {
    const model = chat('simulator');
    const pieces: string[] = [];
    for await (const chunk of await model.stream('Tell me a story.')) pieces.push(String(chunk.content));
    const text = pieces.join('');
    assert.ok(pieces.filter((piece) => piece.length > 0).length > 1, 'the reply arrives in pieces');
    assert.match(text, /^You said: "Tell me a story\."\. This is turn 1\./);
    assert.equal(text, (await model.invoke('Tell me a story.')).text, 'the streamed reply is the one invoke returns');

    const stubbed: string[] = [];
    for await (const chunk of await chat('stub-chat').stream('Hi')) stubbed.push(String(chunk.content));
    assert.deepEqual(stubbed.filter((piece) => piece.length > 0), ['Hello', ' from', ' the stub']);
  });

  it('OpenAIEmbeddings.embedQuery and embedDocuments return the provider’s vectors', async () => {
    const embeddings = new OpenAIEmbeddings({ model: 'stub-embed', apiKey: surface.gateway.key, configuration, maxRetries: 0 });
    assert.deepEqual(await embeddings.embedQuery('hello world'), stubEmbedding('hello world'));
    assert.deepEqual(await embeddings.embedDocuments(['a', 'bb', 'ccc']), ['a', 'bb', 'ccc'].map(stubEmbedding));
    assert.equal(surface.stub.requests.at(-1)!.body.model, 'stub-embedding-model');
  });

  it('throws the gateway’s errors with their status, code and message', async () => {
    await assert.rejects(chat('gpt-nope').invoke('Hi'), (error: unknown) => {
      const failure = error as { status?: number; code?: string; message: string };
      assert.deepEqual([failure.status, failure.code], [404, 'model_not_found']);
      assert.match(failure.message, /Unknown model "gpt-nope"/);
      return true;
    });
    await assert.rejects(
      (async () => {
        for await (const _chunk of await chat('gpt-nope').stream('Hi')) {
          // never reached
        }
      })(),
      (error: unknown) => (error as { status?: number }).status === 404 && (error as { code?: string }).code === 'model_not_found',
    );
    await assert.rejects(chat('simulator', 'sk-wrong').invoke('Hi'), (error: unknown) => {
      const failure = error as { status?: number; code?: string };
      assert.deepEqual([failure.status, failure.code], [401, 'unauthorized']);
      return true;
    });
    const strangerEmbeddings = new OpenAIEmbeddings({ model: 'stub-embed', apiKey: 'sk-wrong', configuration, maxRetries: 0 });
    await assert.rejects(strangerEmbeddings.embedQuery('hello'), (error: unknown) => (error as { status?: number }).status === 401);
  });
});
