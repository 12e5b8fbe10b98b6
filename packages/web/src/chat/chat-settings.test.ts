import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateFor, usesSimulator } from './chat-settings.js';

const models = [
  { id: 'simulator', ownedBy: 'simulator', created: 1 },
  { id: 'llama', ownedBy: 'local', created: 1 },
];

test('the simulator answers its own models, and the default when the gateway has it', () => {
  assert.equal(usesSimulator(models, 'simulator'), true);
  assert.equal(usesSimulator(models, 'llama'), false);
  assert.equal(usesSimulator(models, ''), true);
  assert.equal(usesSimulator([models[1]!], ''), false);
});

test('simulate goes only to the simulator, and only when something is set', () => {
  const simulate = { outputTokens: 5 };
  assert.deepEqual(simulateFor({ model: 'simulator', transport: 'sse', simulate }, models), simulate);
  assert.equal(simulateFor({ model: 'llama', transport: 'sse', simulate }, models), undefined);
  assert.equal(simulateFor({ model: 'simulator', transport: 'sse', simulate: {} }, models), undefined);
});
