import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateInputTokens, estimateOutputTokens } from './token-estimate.js';

test('input estimates count the system prompt and the whole history, not just the new message', () => {
  const messages = [
    { content: 'a'.repeat(40) },
    { content: 'b'.repeat(40) },
  ];
  const withoutSystem = estimateInputTokens({ messages });
  const withSystem = estimateInputTokens({ system: 'c'.repeat(80), messages });
  assert.equal(withoutSystem, 21, '82 characters (two messages and their separators), four a token');
  assert.equal(withSystem - withoutSystem, 20);
  assert.ok(estimateInputTokens({ messages: messages.slice(1) }) < withoutSystem);
});

test('output estimates follow the characters generated, not the number of pieces they came in', () => {
  assert.equal(estimateOutputTokens(20), 5);
  assert.equal(estimateOutputTokens(0), 0);
  assert.equal(estimateOutputTokens(1), 1);
});
