import '../test-support/dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { StreamGateError } from '@streamgate/client';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { describeProblem } from './describe-problem.js';
import { ProblemNotice } from './problem-notice.js';

afterEach(cleanup);

test('a rate limit counts down its wait, with retry disabled until it is over', () => {
  const problem = describeProblem(new StreamGateError('rate_limited', 'Too many requests.', { status: 429, retryAfterMs: 30_000 }));
  render(<ProblemNotice problem={problem} onRetry={() => undefined} />);
  assert.ok(screen.getByText('Rate limited'));
  assert.ok(screen.getByText('Wait 30 s'));
  const button = screen.getByRole('button', { name: 'Retry in 30 s' }) as HTMLButtonElement;
  assert.equal(button.disabled, true);
});

test('an interrupted stream offers a retry', () => {
  let retried = 0;
  const problem = describeProblem(new StreamGateError('upstream_error', 'The model failed.'), { receivedText: true });
  render(<ProblemNotice problem={problem} onRetry={() => retried++} />);
  assert.equal(screen.getByRole('alert').dataset.problem, 'interrupted');
  fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
  assert.equal(retried, 1);
});

test('a refused key offers no retry: another key is needed', () => {
  render(<ProblemNotice problem={describeProblem(new StreamGateError('unauthorized', 'Bad key.', { status: 401 }))} onRetry={() => undefined} />);
  assert.ok(screen.getByText('Key refused'));
  assert.equal(screen.queryByRole('button'), null);
});
