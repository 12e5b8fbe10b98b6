import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors.js';
import type { ChatModelCall } from '../chat-model.js';
import { openAiCompatibleCallOptions, openAiCompatibleCallOptionsSchema } from './openai-compatible-options.js';

const callWith = (options: unknown): ChatModelCall => ({
  upstreamModelId: 'm',
  messages: [],
  signal: new AbortController().signal,
  providerOptions: { 'openai-compatible': options },
});

describe('openAiCompatibleCallOptions', () => {
  it('accepts what the schema accepts and refuses, with the schema’s reason, what it refuses', () => {
    const samples: unknown[] = [
      {},
      { messages: [{ role: 'user', content: 'Hi' }] },
      { messages: [{ role: 'user', content: 'Hi' }], parameters: { tools: [], seed: 1 } },
      { messages: [] },
      { messages: ['text'] },
      { messages: [[]] },
      { parameters: { stream: true } },
      { parameters: [] },
      { other: 1 },
      null,
    ];
    for (const sample of samples) {
      const expected = openAiCompatibleCallOptionsSchema.safeParse(sample);
      if (expected.success) assert.deepEqual(openAiCompatibleCallOptions(callWith(sample)), expected.data, JSON.stringify(sample));
      else assert.throws(() => openAiCompatibleCallOptions(callWith(sample)), (error: unknown) => error instanceof GatewayError && error.code === 'invalid_request', JSON.stringify(sample));
    }
  });
});
