import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../errors.js';
import { CapturingUsageSink } from '../test-support/capture-usage.js';
import type { Admission } from './admission.js';
import { MediaEngine } from './media-engine.js';

const caller = { keyId: 'key_media' };
const request = { requestId: 'r1', caller, transport: 'rest' as const };
const entry = { id: 'embed', provider: 'stub', price: { inputPerMillion: 1_000_000, outputPerMillion: 0 } };

/** Never settles until its signal fires, then rejects with the signal's reason. */
const hanging = (signal: AbortSignal) => new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));

describe('MediaEngine', () => {
  test('a completed call: one usage record with its cost, handed to the admission grant', async () => {
    const usage = new CapturingUsageSink();
    const finished: number[] = [];
    const admission: Admission = { admit: async () => ({ finish: (record) => finished.push(record.costUsd) }) };
    const engine = new MediaEngine({ usage, admission, timeoutMs: 1000 });
    assert.equal(await engine.run(request, entry, new AbortController().signal, async () => ({ result: 'vector', inputTokens: 2 })), 'vector');
    assert.deepEqual(usage.records.map((record) => [record.outcome, record.inputTokens, record.costUsd, record.sessionId]), [['completed', 2, 2, '']]);
    assert.deepEqual(finished, [2]);
  });

  test('a refused admission starts no call and leaves no record', async () => {
    const usage = new CapturingUsageSink();
    let called = false;
    const admission: Admission = { admit: async () => Promise.reject(new GatewayError('model_not_allowed')) };
    const engine = new MediaEngine({ usage, admission, timeoutMs: 1000 });
    await assert.rejects(engine.run(request, entry, new AbortController().signal, async () => ((called = true), { result: 1, inputTokens: 0 })), { code: 'model_not_allowed' });
    assert.equal(called, false);
    assert.equal(usage.records.length, 0);
  });

  test('the caller going away aborts the call: cancelled, recorded once', async () => {
    const usage = new CapturingUsageSink();
    const engine = new MediaEngine({ usage, timeoutMs: 60_000 });
    const client = new AbortController();
    const running = engine.run(request, entry, client.signal, (signal) => hanging(signal));
    client.abort(new GatewayError('cancelled', 'The client went away.'));
    await assert.rejects(running, { code: 'cancelled' });
    assert.deepEqual(usage.records.map((record) => [record.outcome, record.errorCode]), [['cancelled', 'cancelled']]);
  });

  test('a call past the time limit fails as upstream_timeout', async () => {
    const usage = new CapturingUsageSink();
    const engine = new MediaEngine({ usage, timeoutMs: 20 });
    await assert.rejects(engine.run(request, entry, new AbortController().signal, (signal) => hanging(signal)), { code: 'upstream_timeout' });
    assert.deepEqual(usage.records.map((record) => [record.outcome, record.errorCode]), [['failed', 'upstream_timeout']]);
  });

  test('a draining gateway admits no new media call', async () => {
    const engine = new MediaEngine({ usage: new CapturingUsageSink(), timeoutMs: 1000, isDraining: () => true });
    await assert.rejects(engine.run(request, entry, new AbortController().signal, async () => ({ result: 1, inputTokens: 0 })), { code: 'shutting_down' });
  });
});
