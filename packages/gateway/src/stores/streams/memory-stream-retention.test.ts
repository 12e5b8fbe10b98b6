import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryStreamRetention } from './memory-stream-retention.js';

const header = { ownerKeyId: 'key_a', background: false, resumeTokenHash: 'h' };
const delta = (text: string) => ({ type: 'delta' as const, text });

describe('MemoryStreamRetention', () => {
  test('thousands of streams never resumed stay within the byte budget: the ones that ended longest ago go first', async () => {
    const retention = new MemoryStreamRetention({ retentionSeconds: 600, maxEventsPerStream: 1000, maxBytes: 1024 * 1024 });
    for (let stream = 0; stream < 5000; stream++) {
      retention.open(`s${stream}`, header);
      for (let seq = 0; seq < 20; seq++) retention.append(`s${stream}`, { seq, event: delta('some words here ') });
      retention.end(`s${stream}`);
    }
    assert.ok(retention.totalBytes <= 1024 * 1024, `${retention.totalBytes} bytes retained`);
    assert.equal(await retention.read('s0', -1, 10), undefined, 'the oldest went');
    const newest = await retention.read('s4999', -1, 100);
    assert.equal(newest?.events.length, 20, 'the newest are whole');
    await retention.close();
  });

  test('a stream longer than the per-stream cap keeps its newest events; reading before them shows where they start', async () => {
    const retention = new MemoryStreamRetention({ retentionSeconds: 600, maxEventsPerStream: 10, maxBytes: 1024 * 1024 });
    retention.open('long', header);
    for (let seq = 0; seq < 25; seq++) retention.append('long', { seq, event: delta(`t${seq}`) });
    const read = await retention.read('long', -1, 100);
    assert.equal(read?.firstSeq, 15);
    assert.deepEqual(read?.events.map((entry) => entry.seq), [15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    assert.equal(read?.nextSeq, 25);
    await retention.close();
  });

  test('ended streams expire after the retention period', async () => {
    const retention = new MemoryStreamRetention({ retentionSeconds: 60, maxEventsPerStream: 10, maxBytes: 1024 * 1024 });
    retention.open('old', header);
    retention.append('old', { seq: 0, event: delta('x') });
    retention.end('old');
    retention.open('running', header);
    retention.expire(Date.now() + 61_000);
    assert.equal(await retention.read('old', -1, 10), undefined);
    assert.ok(await retention.read('running', -1, 10), 'a running stream does not expire');
    await retention.close();
  });
});
