import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricsRecorder } from './metrics-recorder.js';

function clockAt(times: number[]) {
  let index = 0;
  return { monotonic: () => times[Math.min(index++, times.length - 1)]!, wall: () => 1_700_000_000_000 };
}

test('time to first token, chunk times and tokens per second are measured from the issue', () => {
  const recorder = new MetricsRecorder(clockAt([1000, 1100, 1150, 1500]));
  recorder.chunk(5);
  recorder.chunk(3);
  recorder.finish(10);
  assert.deepEqual(recorder.snapshot(), {
    startedAt: 1_700_000_000_000,
    ttftMs: 100,
    totalMs: 500,
    outputTokensPerSecond: 20,
    chunkCount: 2,
    chunks: [
      { atMs: 100, characters: 5 },
      { atMs: 150, characters: 3 },
    ],
  });
});

test('without a token count the chunk count is used; nothing changes after the finish', () => {
  const recorder = new MetricsRecorder(clockAt([0, 250, 500, 900]));
  recorder.chunk(1);
  recorder.finish();
  recorder.chunk(1);
  recorder.finish(100);
  const metrics = recorder.snapshot();
  assert.equal(metrics.totalMs, 500);
  assert.equal(metrics.outputTokensPerSecond, 2);
  assert.equal(metrics.chunkCount, 1);
});

test('while running, total and rate are null; with no text, time to first token stays null', () => {
  const recorder = new MetricsRecorder(clockAt([0, 10]));
  assert.equal(recorder.snapshot().totalMs, null);
  assert.equal(recorder.snapshot().outputTokensPerSecond, null);
  recorder.finish();
  assert.equal(recorder.snapshot().ttftMs, null);
  assert.equal(recorder.snapshot().outputTokensPerSecond, 0);
});
