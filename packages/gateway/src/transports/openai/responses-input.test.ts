import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../errors.js';
import { convertResponsesInput } from './responses-input.js';

const refusal = (code: string, param: string) => (error: unknown) => {
  assert.ok(error instanceof GatewayError);
  assert.equal(error.code, code);
  const details = error.details as { param?: string } | { path: string }[];
  assert.equal(Array.isArray(details) ? details[0]!.path : details.param, param);
  return true;
};

describe('convertResponsesInput', () => {
  test('a string is the user message; instructions are the system prompt', () => {
    assert.deepEqual(convertResponsesInput('Hello', 'Be brief.', false), { system: 'Be brief.', history: [], message: 'Hello' });
    assert.deepEqual(convertResponsesInput('Hello', null, false), { history: [], message: 'Hello' });
  });

  test('a list: system and developer messages join the instructions, earlier turns are history, text parts are joined', () => {
    const converted = convertResponsesInput(
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello!' }] },
        { role: 'developer', content: [{ type: 'input_text', text: 'Answer in French.' }] },
        { role: 'user', content: [{ type: 'input_text', text: 'How are you?' }, { type: 'input_text', text: 'Really?' }] },
      ],
      'You are a gateway.',
      false,
    );
    assert.deepEqual(converted, {
      system: 'You are a gateway.\n\nBe brief.\n\nAnswer in French.',
      history: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
      ],
      message: 'How are you?\nReally?',
    });
  });

  test('refuses what it cannot send, naming it', () => {
    assert.throws(() => convertResponsesInput([{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }], null, false), refusal('unsupported_parameter', 'input[0].content[0]'));
    assert.throws(() => convertResponsesInput([{ type: 'function_call_output', call_id: 'c', output: '{}' }], null, false), refusal('unsupported_parameter', 'input[0]'));
    assert.throws(() => convertResponsesInput([{ role: 'tool', content: 'x' }], null, false), refusal('invalid_request', 'input[0].role'));
    assert.throws(() => convertResponsesInput([{ role: 'assistant', content: 'Last word' }], null, false), refusal('invalid_request', 'input'));
    assert.throws(() => convertResponsesInput([{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'Again' }], null, true), refusal('unsupported_parameter', 'input'));
    assert.deepEqual(convertResponsesInput([{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'Again' }], null, true), { system: 'Be brief.', history: [], message: 'Again' });
  });
});
