import '../test-support/dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { StreamGateError } from '@streamgate/client';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { describeProblem } from '../status/describe-problem.js';
import type { ChatMessage } from './chat-message.js';
import { MessageView } from './message-view.js';

afterEach(cleanup);

const metrics = { startedAt: 0, ttftMs: 82, totalMs: 1240, outputTokensPerSecond: 48.4, chunkCount: 60, chunks: [] };

test('a streaming reply renders its Markdown so far, with a cursor and its first-token time', () => {
  const message: ChatMessage = { id: 'r1', role: 'assistant', text: 'Some **bold** and\n```js\nlet x', status: 'streaming', transport: 'websocket', metrics: { ...metrics, totalMs: null, outputTokensPerSecond: null } };
  const { container } = render(<MessageView message={message} />);
  assert.equal(container.querySelector('strong')?.textContent, 'bold');
  assert.equal(container.querySelector('pre code.language-js')?.textContent?.trim(), 'let x');
  assert.ok(container.querySelector('.cursor'));
  assert.ok(screen.getByText('WebSocket'));
  assert.ok(screen.getByText('first token 82 ms'));
  assert.equal(screen.queryByText(/^total/), null);
});

test('a completed reply shows every metric', () => {
  const message: ChatMessage = { id: 'r1', role: 'assistant', text: 'Done', status: 'complete', transport: 'sse', model: 'simulator', metrics, usage: { inputTokens: 3, outputTokens: 60 } };
  render(<MessageView message={message} />);
  for (const text of ['SSE', 'simulator', 'first token 82 ms', 'total 1.24 s', '48.4 tokens/s', '60 chunks', '3 in / 60 out']) assert.ok(screen.getByText(text), text);
});

test('a broken reply keeps its text and retries the same request', () => {
  const request = { message: 'Hi', transport: 'sse' as const };
  const message: ChatMessage = {
    id: 'r1',
    role: 'assistant',
    text: 'Half a reply',
    status: 'failed',
    request,
    problem: describeProblem(new StreamGateError('connection_lost', 'The stream closed.'), { receivedText: true }),
  };
  const retried: ChatMessage[] = [];
  render(<MessageView message={message} onRetry={(failed) => retried.push(failed)} />);
  assert.ok(screen.getByText('Half a reply'));
  assert.ok(screen.getByText('The stream broke mid-way'));
  fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
  assert.deepEqual(retried[0]?.request, request);
});

test("the user's message is plain text, never HTML", () => {
  const { container } = render(<MessageView message={{ id: 'r1:user', role: 'user', text: '<b>hi</b> **there**', status: 'complete' }} />);
  assert.equal(container.querySelector('b'), null);
  assert.ok(screen.getByText('<b>hi</b> **there**'));
});

test('a reply that was resumed after a lost connection says so, with the events caught up', () => {
  const message: ChatMessage = { id: 'r1', role: 'assistant', text: 'Whole', status: 'complete', transport: 'sse', resumes: { count: 1, replayed: 3 } };
  const { container } = render(<MessageView message={message} />);
  assert.equal(container.querySelector('.resumed')?.getAttribute('data-resumed'), '1');
  assert.ok(screen.getByText('Connection lost, resumed'));
  assert.ok(screen.getByText(/went on where it stopped; 3 missed events caught up/));
});
