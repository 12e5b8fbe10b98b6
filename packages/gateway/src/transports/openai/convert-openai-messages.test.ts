import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatCompletionsBodySchema, type ChatCompletionsBody } from './chat-completions-body.js';
import { convertOpenAiMessages } from './convert-openai-messages.js';
import { toConverseOptions } from './convert-to-converse.js';
import { openAiProviderOptions } from './provider-options.js';

const body = (value: unknown): ChatCompletionsBody => chatCompletionsBodySchema.parse(value);

const toolConversation = body({
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Paris and Rome?' },
    {
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '21' },
    { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '25' }] },
  ],
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
  tool_choice: 'required',
  stop: 'END',
});

describe('OpenAI messages -> the engine’s conversation', () => {
  it('joins system and developer messages, keeps earlier turns as history and the last as the message', () => {
    const converted = convertOpenAiMessages(
      body({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Bonjour' },
          { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }, { type: 'text', text: 'a cat' }] },
        ],
      }).messages,
    );
    assert.deepEqual(converted, {
      system: 'Be brief.\n\nAnswer in French.',
      history: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Bonjour' },
      ],
      message: 'Look:\na cat',
    });
  });

  it('treats tool results as the user’s turns and tool-only assistant turns as empty text', () => {
    const converted = convertOpenAiMessages(toolConversation.messages);
    assert.equal(converted.message, '25');
    assert.deepEqual(converted.history.map((turn) => turn.role), ['user', 'assistant', 'user']);
  });
});

describe('OpenAI tools -> Bedrock Converse options', () => {
  it('maps tool calls to toolUse, joins tool results into one user turn, and tools into a toolConfig', () => {
    assert.deepEqual(toConverseOptions(toolConversation), {
      messages: [
        { role: 'user', content: [{ text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { text: 'Checking.' },
            { toolUse: { toolUseId: 'call_1', name: 'get_weather', input: { city: 'Paris' } } },
            { toolUse: { toolUseId: 'call_2', name: 'get_weather', input: { city: 'Rome' } } },
          ],
        },
        {
          role: 'user',
          content: [{ toolResult: { toolUseId: 'call_1', content: [{ text: '21' }] } }, { toolResult: { toolUseId: 'call_2', content: [{ text: '25' }] } }],
        },
      ],
      system: [{ text: 'Be brief.' }],
      toolConfig: {
        tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } }],
        toolChoice: { any: {} },
      },
      inferenceConfig: { stopSequences: ['END'] },
    });
  });

  it('leaves plain text conversations to the engine’s own conversion', () => {
    assert.equal(toConverseOptions(body({ messages: [{ role: 'user', content: 'Hi' }] })), undefined);
  });
});

describe('provider options', () => {
  it('pass the messages and every other field, known or not, to OpenAI-compatible upstreams, nothing the gateway sets itself', () => {
    const options = openAiProviderOptions(
      body({ messages: [{ role: 'user', content: 'Hi' }], seed: 3, user: 'u-1', temperature: 1, max_tokens: 9, logprobs: true, reasoning_effort: 'low', unknown_field: true, session_id: 's-1', simulate: { ttft_ms: 0 } }),
    );
    assert.deepEqual(options, { 'openai-compatible': { messages: [{ role: 'user', content: 'Hi' }], parameters: { seed: 3, user: 'u-1', logprobs: true, reasoning_effort: 'low', unknown_field: true } } });
  });
});
