import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamGateError } from '../errors/streamgate-error.js';
import { parseServerFrame } from './server-frame.js';

test('request frames become protocol events addressed to their request', () => {
  assert.deepEqual(parseServerFrame('{"event":"message","request_id":"r1","seq":1,"content":"Hi"}'), {
    ok: true,
    frame: { kind: 'request', requestId: 'r1', seq: 1, event: { type: 'delta', text: 'Hi' } },
  });
  const done = parseServerFrame(
    '{"event":"done","request_id":"r1","seq":2,"status":"complete","stop_reason":"end_turn",' +
      '"usage":{"input_tokens":3,"output_tokens":4},"metrics":{"ttft_ms":null,"total_ms":9,"output_tokens_per_second":444.4}}',
  );
  assert.deepEqual(done, {
    ok: true,
    frame: {
      kind: 'request',
      requestId: 'r1',
      seq: 2,
      event: { type: 'done', stopReason: 'end_turn', usage: { inputTokens: 3, outputTokens: 4 }, metrics: { ttftMs: null, totalMs: 9, outputTokensPerSecond: 444.4 } },
    },
  });
});

test('connected, pong and connection-level errors are for the connection', () => {
  assert.deepEqual(parseServerFrame('{"event":"connected","connection_id":"c1","heartbeat_interval_ms":15000,"max_concurrent_requests":100}'), {
    ok: true,
    frame: { kind: 'connected', connectionId: 'c1', heartbeatIntervalMs: 15000, sessionId: undefined, maxConcurrentRequests: 100 },
  });
  const older = parseServerFrame('{"event":"connected","connection_id":"c1","heartbeat_interval_ms":15000}');
  assert.ok(older.ok && older.frame.kind === 'connected' && older.frame.maxConcurrentRequests === undefined, 'an older gateway announces no limit');
  assert.deepEqual(parseServerFrame('{"event":"pong","timestamp":1}'), { ok: true, frame: { kind: 'pong' } });
  const error = parseServerFrame('{"event":"error","code":"malformed_json","message":"bad","retryable":false}');
  assert.ok(error.ok && error.frame.kind === 'connection-error');
  assert.ok(error.frame.error instanceof StreamGateError);
  assert.equal(error.frame.error.code, 'malformed_json');
});

test('a resumed frame says how many events are replayed, when it says', () => {
  assert.deepEqual(parseServerFrame('{"event":"resumed","request_id":"r1","replayed":7}'), { ok: true, frame: { kind: 'resumed', requestId: 'r1', replayed: 7 } });
  assert.deepEqual(parseServerFrame('{"event":"resumed","request_id":"r1"}'), { ok: true, frame: { kind: 'resumed', requestId: 'r1', replayed: null } });
});

test('unknown events are skipped; malformed frames are reported, never thrown', () => {
  assert.deepEqual(parseServerFrame('{"event":"renamed","request_id":"r1"}'), { ok: true, frame: { kind: 'ignored' } });
  for (const text of ['not json', '[]', '{"no":"event"}', '{"event":"message","request_id":"r1"}', '{"event":"done","request_id":"r1"}', '{"event":"message","content":"x"}']) {
    const result = parseServerFrame(text);
    assert.equal(result.ok, false, text);
  }
});

test("an error frame's retry_after_ms becomes retryAfterMs, for a request and for the connection", () => {
  assert.deepEqual(parseServerFrame('{"event":"error","request_id":"r1","code":"rate_limited","message":"Slow down.","retryable":true,"retry_after_ms":4200}'), {
    ok: true,
    frame: { kind: 'request', requestId: 'r1', seq: undefined, event: { type: 'error', code: 'rate_limited', message: 'Slow down.', retryable: true, retryAfterMs: 4200 } },
  });
  const connectionError = parseServerFrame('{"event":"error","code":"rate_limited","message":"Slow down.","retryable":true,"retry_after_ms":900}');
  assert.ok(connectionError.ok && connectionError.frame.kind === 'connection-error');
  assert.equal(connectionError.frame.error.retryAfterMs, 900);
  const unreadable = parseServerFrame('{"event":"error","request_id":"r1","code":"rate_limited","message":"m","retryable":true,"retry_after_ms":"soon"}');
  assert.ok(unreadable.ok && unreadable.frame.kind === 'request' && unreadable.frame.event.type === 'error');
  assert.equal(unreadable.frame.event.retryAfterMs, undefined);
});
