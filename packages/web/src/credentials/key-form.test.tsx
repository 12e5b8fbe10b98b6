import '../test-support/dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { StreamGateError } from '@streamgate/client';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { describeProblem } from '../status/describe-problem.js';
import { KeyForm } from './key-form.js';

afterEach(cleanup);

test('takes a key from a password field, trimmed; nothing to send while empty', () => {
  const submitted: string[] = [];
  render(<KeyForm problem={undefined} checking={false} onSubmit={(key) => submitted.push(key)} />);
  const input = screen.getByLabelText('API key or token') as HTMLInputElement;
  assert.equal(input.type, 'password');
  assert.equal((screen.getByRole('button', { name: 'Connect' }) as HTMLButtonElement).disabled, true);
  fireEvent.change(input, { target: { value: '  sg-key-123  ' } });
  fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
  assert.deepEqual(submitted, ['sg-key-123']);
});

test('says why the last key was refused, and waits while a key is checked', () => {
  const problem = describeProblem(new StreamGateError('key_revoked', 'The API key was revoked.', { status: 401 }));
  render(<KeyForm problem={problem} checking onSubmit={() => undefined} />);
  assert.match(screen.getByRole('alert').textContent ?? '', /Key refused.*revoked/);
  assert.equal((screen.getByRole('button', { name: 'Checking…' }) as HTMLButtonElement).disabled, true);
});
