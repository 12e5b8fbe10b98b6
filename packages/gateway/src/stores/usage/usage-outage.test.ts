import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { TestPostgres } from '../../test-support/postgres-server.js';
import { startGateway } from '../../test-support/start-gateway.js';
import { until } from '../../test-support/until.js';

const directory = mkdtempSync(path.join(tmpdir(), 'streamgate-usage-outage-'));
let postgres: TestPostgres;
before(async () => {
  postgres = await TestPostgres.start();
});
after(async () => {
  await postgres.close();
  rmSync(directory, { recursive: true, force: true });
});

const fast = { ttft_ms: 0, tokens_per_second: 0, output_tokens: 2 };

test('a gateway on PostgreSQL keeps serving and counting while it is down, and every record lands once it is back', async () => {
  const environment = { DATABASE_URL: postgres.url, DATA_DIR: directory, KEY_STORE: 'postgres', USAGE_STORE: 'postgres', USAGE_FLUSH_INTERVAL_MS: '20', KEY_CACHE_SECONDS: '3600' };
  const harness = await startGateway(environment);
  try {
    const app = harness.gateway.app;
    const chat = () => app.inject({ method: 'POST', url: '/v1/chat', headers: harness.headers, payload: { message: 'count me', simulate: fast } });
    const requests = async () => (await app.inject({ method: 'GET', url: '/v1/usage', headers: harness.headers })).json().totals.requests as number;
    const ready = async () => (await app.inject({ method: 'GET', url: '/ready' })).json().checks as Record<string, { status: string; details?: Record<string, number> }>;

    for (let index = 0; index < 5; index++) assert.equal((await chat()).statusCode, 200);
    assert.equal(await requests(), 5);

    await postgres.stop();
    for (let index = 0; index < 20; index++) assert.equal((await chat()).statusCode, 200, 'chat does not depend on the usage store');
    await until(async () => (await ready()).usage!.status === 'degraded', 5000, '/ready to show the usage store failing');
    const during = (await ready()).usage!;
    assert.equal(during.details!.pending, 20);
    assert.equal(during.details!.dropped, 0);
    assert.equal((await ready()).keys!.status, 'degraded');
    assert.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200, 'still ready: it serves');
    assert.equal((await app.inject({ method: 'GET', url: '/v1/usage', headers: harness.headers })).json().error.code, 'dependency_unavailable');

    await postgres.start();
    await until(async () => (await ready()).usage!.details!.pending === 0, 45_000, 'the pending records to be written');
    assert.equal(await requests(), 25);
    assert.equal((await ready()).usage!.status, 'ok');
  } finally {
    await harness.close();
  }
});
