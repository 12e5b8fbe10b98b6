import '../test-support/dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render } from '@testing-library/react';
import { ModelPicker } from './pickers.js';

afterEach(cleanup);

test('the model picker offers chat models only, with their providers', () => {
  const models = [
    { id: 'simulator', ownedBy: 'simulator', created: 1, kind: 'chat' as const },
    { id: 'titan-embed', ownedBy: 'bedrock', created: 1, kind: 'embedding' as const },
    { id: 'nova-canvas', ownedBy: 'bedrock', created: 1, kind: 'image' as const },
    { id: 'older-gateway-model', ownedBy: 'vllm', created: 1 },
  ];
  const { container } = render(<ModelPicker models={models} value="" onChange={() => {}} />);
  const options = [...container.querySelectorAll('option')].map((option) => option.textContent);
  assert.deepEqual(options, ['Gateway default', 'simulator (simulator)', 'older-gateway-model (vllm)']);
});
