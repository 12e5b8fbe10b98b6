import '../test-support/dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ConnectionIndicator } from './connection-indicator.js';

afterEach(cleanup);

test('reconnecting: when the next attempt comes, and a way to try now', () => {
  let reconnects = 0;
  render(<ConnectionIndicator change={{ state: 'reconnecting', previous: 'open', attempt: 2, delayMs: 4000 }} onReconnect={() => reconnects++} />);
  assert.equal(screen.getByRole('status').dataset.connection, 'reconnecting');
  assert.ok(screen.getByText('WebSocket reconnecting in 4 s (attempt 2)'));
  fireEvent.click(screen.getByRole('button', { name: 'Try now' }));
  assert.equal(reconnects, 1);
});

test('open shows no action; closed offers to reconnect', () => {
  const { rerender } = render(<ConnectionIndicator change={{ state: 'open', previous: 'connecting', attempt: 0 }} onReconnect={() => undefined} />);
  assert.ok(screen.getByText('WebSocket open'));
  assert.equal(screen.queryByRole('button'), null);
  rerender(<ConnectionIndicator change={{ state: 'closed', previous: 'open', attempt: 0 }} onReconnect={() => undefined} />);
  assert.ok(screen.getByRole('button', { name: 'Reconnect' }));
});
