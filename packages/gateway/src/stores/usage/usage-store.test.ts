import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { storeFixtures } from '../../test-support/store-fixtures.js';
import { MemoryUsageStore } from './memory-usage-store.js';
import { PostgresUsageStore } from './postgres-usage-store.js';
import { SqliteUsageStore } from './sqlite-usage-store.js';
import type { StoredUsage, UsageStore } from './usage-store.js';

const fixtures = storeFixtures('streamgate-usage-');
const { directory } = fixtures;

function usageRecord(overrides: Partial<StoredUsage> = {}): StoredUsage {
  return {
    id: randomUUID(),
    requestId: 'r1',
    keyId: 'key_a',
    sessionId: 's1',
    model: 'simulator',
    provider: 'simulator',
    transport: 'sse',
    inputTokens: 10,
    outputTokens: 20,
    ttftMs: 1.5,
    totalMs: 9.25,
    outcome: 'completed',
    costUsd: 0.001,
    startedAt: '2030-01-01T10:00:00.000Z',
    ...overrides,
  };
}

let schemas = 0;
const stores: [string, () => Promise<UsageStore>][] = [
  ['memory', async () => new MemoryUsageStore()],
  ['sqlite', async () => new SqliteUsageStore(path.join(directory, `usage-${schemas++}.db`))],
  [
    'postgres',
    async () => {
      // Each test gets its own database, so that totals are its own.
      const database = `usage_${schemas++}`;
      await fixtures.pool().query(`CREATE DATABASE ${database}`);
      const own = new pg.Pool({ connectionString: fixtures.postgres().url.replace(/\/postgres$/, `/${database}`), max: 2 });
      own.on('error', () => undefined);
      const store = await PostgresUsageStore.open(own);
      return Object.assign(Object.create(store) as UsageStore, { close: () => own.end() });
    },
  ],
];

for (const [name, open] of stores) {
  describe(`${name} usage store`, () => {
    test('sums requests, tokens, cost and outcomes, grouped by key, model and day, within the range', async () => {
      const store = await open();
      await store.insert([
        usageRecord({ keyId: 'key_a', model: 'm1', startedAt: '2030-01-01T10:00:00.000Z', costUsd: 0.25 }),
        usageRecord({ keyId: 'key_a', model: 'm1', startedAt: '2030-01-01T23:59:59.000Z', outcome: 'cancelled', inputTokens: 5, outputTokens: 1, costUsd: 0.125 }),
        usageRecord({ keyId: 'key_a', model: 'm2', startedAt: '2030-01-02T00:00:00.000Z', outcome: 'failed', outputTokens: 0, costUsd: 0 }),
        usageRecord({ keyId: 'key_b', model: 'm1', startedAt: '2030-01-02T05:00:00.000Z', outcome: 'partial', costUsd: 0.5 }),
        usageRecord({ keyId: 'key_b', model: 'm1', startedAt: '2030-02-01T00:00:00.000Z' }),
      ]);
      const range = { from: '2030-01-01T00:00:00.000Z', to: '2030-02-01T00:00:00.000Z' };
      const all = await store.summarize({ ...range, groupBy: [] });
      assert.deepEqual(all, [
        { requests: 4, inputTokens: 35, outputTokens: 41, costUsd: 0.875, outcomes: { completed: 1, partial: 1, failed: 1, cancelled: 1 } },
      ]);
      const byKeyModel = await store.summarize({ ...range, groupBy: ['key', 'model'] });
      assert.deepEqual(byKeyModel.map((row) => [row.keyId, row.model, row.requests, row.costUsd]), [
        ['key_a', 'm1', 2, 0.375],
        ['key_a', 'm2', 1, 0],
        ['key_b', 'm1', 1, 0.5],
      ]);
      const byDay = await store.summarize({ ...range, groupBy: ['day'], keyId: 'key_a' });
      assert.deepEqual(byDay.map((row) => [row.day, row.requests, row.inputTokens, row.outputTokens]), [
        ['2030-01-01', 2, 15, 21],
        ['2030-01-02', 1, 10, 0],
      ]);
      assert.deepEqual(await store.summarize({ ...range, groupBy: ['key'], keyId: 'key_nobody' }), []);
      assert.equal(await store.spend('key_b', '2030-01-01T00:00:00.000Z'), 0.501);
      assert.equal(await store.spend('key_b', '2030-01-03T00:00:00.000Z'), 0.001);
      await store.close();
    });

    test('a batch inserted twice counts once (retries and spool replays are idempotent)', async () => {
      const store = await open();
      const batch = [usageRecord(), usageRecord({ userId: 'user-1', errorCode: 'upstream_error', ttftMs: null })];
      await store.insert(batch);
      await store.insert(batch);
      const [summary] = await store.summarize({ from: '2030-01-01T00:00:00.000Z', to: '2030-01-02T00:00:00.000Z', groupBy: [] });
      assert.equal(summary?.requests, 2);
      await store.check();
      await store.close();
    });
  });
}
