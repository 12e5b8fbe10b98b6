import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkValue } from '../parse-json.js';
import { readFixture } from '../../test-support/read-fixture.js';
import { chunkSchema, parseChunk } from './openai-compatible-schemas.js';

const fixture = readFixture<unknown[]>('./__fixtures__/chat-completion-chunks.json', import.meta.url);

describe('parseChunk', () => {
  it('agrees with chunkSchema on recorded chunks and on chunks that break it', () => {
    const samples: unknown[] = [
      ...fixture,
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{}' } }] } }] },
      { choices: null },
      { choices: [{ index: 0.5, delta: { content: 'x' } }] },
      { choices: [{ index: 0, delta: { content: 7 } }] },
      { choices: [{ index: 0, delta: null, finish_reason: 'stop' }] },
      { choices: [], usage: { prompt_tokens: -1 } },
      { choices: [], usage: { prompt_tokens: 3, completion_tokens: 2.5 } },
      { choices: [], usage: null },
      { error: { message: 'overloaded' } },
      [],
      'text',
      null,
    ];
    for (const sample of samples) {
      assert.deepEqual(parseChunk(JSON.stringify(sample)), checkValue(sample, chunkSchema), JSON.stringify(sample));
    }
  });

  it('says why text is not JSON', () => {
    const result = parseChunk('{"choices": [');
    assert.equal(result.success, false);
    assert.match((result as { error: string }).error, /^not valid JSON/);
  });
});
