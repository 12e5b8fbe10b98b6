import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pino from 'pino';
import pg from 'pg';
import type { UsageRecord } from '../../engine/usage-record.js';
import { TestPostgres } from '../../test-support/postgres-server.js';
import { MemoryUsageStore } from './memory-usage-store.js';
import { PostgresUsageStore } from './postgres-usage-store.js';
import type { StoredUsage, UsageStore } from './usage-store.js';
import { UsageWriter } from './usage-writer.js';
import { until } from '../../test-support/until.js';

const directory = mkdtempSync(path.join(tmpdir(), 'streamgate-writer-'));
const logger = pino({ level: 'silent' });
let postgres: TestPostgres;
let pool: pg.Pool;
before(async () => {
  postgres = await TestPostgres.start();
  pool = new pg.Pool({ connectionString: postgres.url, max: 2, connectionTimeoutMillis: 1000 });
  pool.on('error', () => undefined);
});
after(async () => {
  await pool.end();
  await postgres.close();
  rmSync(directory, { recursive: true, force: true });
});

const record = (index: number): UsageRecord => ({
  requestId: `r${index}`,
  keyId: 'key_w',
  sessionId: 's',
  model: 'simulator',
  provider: 'simulator',
  transport: 'rest',
  inputTokens: 1,
  outputTokens: 2,
  ttftMs: 1,
  totalMs: 2,
  outcome: 'completed',
  costUsd: 0,
  startedAt: new Date().toISOString(),
});


const rows = async () => Number((await pool.query('SELECT count(*) AS count FROM usage_records')).rows[0].count);

test('writes in batches off the hot path: record() returns at once, batches of batchSize reach the store', async () => {
  const batches: number[] = [];
  const memory = new MemoryUsageStore();
  const store: UsageStore = Object.assign(Object.create(memory) as UsageStore, {
    insert: async (records: readonly StoredUsage[]) => {
      batches.push(records.length);
      await memory.insert(records);
    },
  });
  const writer = new UsageWriter({ store, batchSize: 10, flushIntervalMs: 60_000, bufferLimit: 1000, logger });
  const started = performance.now();
  for (let index = 0; index < 25; index++) writer.record(record(index));
  assert.ok(performance.now() - started < 50);
  await until(() => batches.length >= 2, 2000, 'two full batches');
  assert.deepEqual(batches.slice(0, 2), [10, 10]);
  await writer.flush();
  assert.equal(memory.records.length, 25);
  assert.equal(new Set(memory.records.map((item) => item.id)).size, 25, 'each record has its own id');
  assert.deepEqual(
    { recorded: writer.stats().recorded, written: writer.stats().written, pending: writer.stats().pending, dropped: writer.stats().dropped },
    { recorded: 25, written: 25, pending: 0, dropped: 0 },
  );
});

test('PostgreSQL down: records are kept, counted and retried, and all arrive once it is back', async () => {
  const store = await PostgresUsageStore.open(pool);
  await pool.query('DELETE FROM usage_records');
  const writer = new UsageWriter({ store, batchSize: 50, flushIntervalMs: 20, bufferLimit: 10_000, spoolFile: path.join(directory, 'outage.jsonl'), logger });
  for (let index = 0; index < 30; index++) writer.record(record(index));
  await until(async () => (await rows()) === 30, 5000, 'the first records');

  await postgres.stop();
  for (let index = 30; index < 130; index++) writer.record(record(index));
  await until(() => writer.stats().failedAttempts > 0, 5000, 'a failed write');
  assert.equal(writer.stats().status, 'degraded');
  assert.equal(writer.stats().pending, 100);

  await postgres.start();
  await until(async () => writer.stats().pending === 0 && writer.stats().status === 'ok', 45_000, 'the retry after the outage');
  assert.equal(await rows(), 130);
  await writer.flush();
  assert.equal(writer.stats().dropped, 0);
});

test('shut down while PostgreSQL is down: records go to the spool file and a new writer replays them', async () => {
  const store = await PostgresUsageStore.open(pool);
  await pool.query('DELETE FROM usage_records');
  const spoolFile = path.join(directory, 'shutdown.jsonl');
  // A tiny buffer: most records overflow to the spool file while the store is down.
  const first = new UsageWriter({ store, batchSize: 20, flushIntervalMs: 20, bufferLimit: 10, spoolFile, logger });
  await postgres.stop();
  for (let index = 0; index < 60; index++) first.record(record(index));
  await first.flush();
  assert.ok(existsSync(spoolFile));
  assert.equal(first.stats().spooled, 60);
  assert.equal(first.stats().dropped, 0);

  await postgres.start();
  const second = new UsageWriter({ store, batchSize: 20, flushIntervalMs: 20, bufferLimit: 10, spoolFile, logger });
  await until(async () => (await rows()) === 60, 10_000, 'the spool replay');
  await until(() => !second.stats().spoolPending, 5000, 'the spool file to be removed');
  assert.ok(!existsSync(spoolFile) && !existsSync(`${spoolFile}.replay`));
  await second.flush();
  assert.equal(await rows(), 60);
});
