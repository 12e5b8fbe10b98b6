import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamGateError, type ChatResult, type ClientMetrics } from '@streamgate/client';
import { describeProblem } from '../status/describe-problem.js';
import { chatReducer, emptyChat, type ChatState } from './chat-message.js';

const metrics: ClientMetrics = { startedAt: 0, ttftMs: 5, totalMs: null, outputTokensPerSecond: null, chunkCount: 1, chunks: [{ atMs: 5, characters: 3 }] };

function streamed(): ChatState {
  let state = chatReducer(emptyChat, { type: 'sent', requestId: 'r1', request: { message: 'Hi', transport: 'sse' } });
  state = chatReducer(state, { type: 'started', requestId: 'r1', sessionId: 's1', model: 'simulator' });
  state = chatReducer(state, { type: 'delta', requestId: 'r1', text: 'You', metrics });
  return chatReducer(state, { type: 'delta', requestId: 'r1', text: ' said', metrics: { ...metrics, chunkCount: 2 } });
}

test('a sent message, its reply streaming in, in the session the gateway started', () => {
  const state = streamed();
  assert.equal(state.sessionId, 's1');
  assert.equal(state.running, 'r1');
  assert.deepEqual(
    state.messages.map(({ role, text, status }) => ({ role, text, status })),
    [
      { role: 'user', text: 'Hi', status: 'complete' },
      { role: 'assistant', text: 'You said', status: 'streaming' },
    ],
  );
  assert.equal(state.messages[1]!.model, 'simulator');
  assert.equal(state.messages[1]!.metrics?.chunkCount, 2);
});

test('a failed reply keeps its text and its problem, and the chat is free again', () => {
  const error = new StreamGateError('connection_lost', 'The socket closed.');
  const result: ChatResult = { status: 'failed', error, transport: 'sse', requestId: 'r1', sessionId: 's1', model: 'simulator', text: 'You said', metrics };
  const state = chatReducer(streamed(), { type: 'ended', result, problem: describeProblem(error, { receivedText: true }) });
  assert.equal(state.running, undefined);
  const reply = state.messages[1]!;
  assert.deepEqual([reply.status, reply.text, reply.problem?.kind], ['failed', 'You said', 'interrupted']);
  assert.deepEqual(reply.request, { message: 'Hi', transport: 'sse' });
});

test('a completed reply takes the final text and usage; opening a session replaces the chat', () => {
  const result: ChatResult = {
    status: 'complete',
    transport: 'sse',
    requestId: 'r1',
    sessionId: 's1',
    model: 'simulator',
    text: 'You said "Hi".',
    metrics: { ...metrics, totalMs: 20, outputTokensPerSecond: 150 },
    stopReason: 'end_turn',
    usage: { inputTokens: 1, outputTokens: 3 },
    serverMetrics: { ttftMs: 1, totalMs: 10, outputTokensPerSecond: 300 },
  };
  const done = chatReducer(streamed(), { type: 'ended', result, problem: undefined });
  assert.deepEqual([done.messages[1]!.status, done.messages[1]!.text, done.messages[1]!.usage?.outputTokens], ['complete', 'You said "Hi".', 3]);
  const opened = chatReducer(done, { type: 'opened', sessionId: 's2', messages: [] });
  assert.deepEqual(opened, { sessionId: 's2', messages: [], running: undefined });
  assert.deepEqual(chatReducer(done, { type: 'reset' }), emptyChat);
});

test('a reply whose connection was lost and resumed says so, and its text goes on', () => {
  let state = chatReducer(streamed(), { type: 'resumed', requestId: 'r1', event: { type: 'resumed', transport: 'sse', replayed: 2 } });
  state = chatReducer(state, { type: 'delta', requestId: 'r1', text: ' "Hi".', metrics });
  const reply = state.messages[1]!;
  assert.deepEqual([reply.text, reply.status, reply.resumes], ['You said "Hi".', 'streaming', { count: 1, replayed: 2 }]);
});
