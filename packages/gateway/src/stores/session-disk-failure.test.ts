import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CapturingUsageSink } from '../test-support/capture-usage.js';
import { mountSmallDisk, type SmallDisk } from '../test-support/small-disk.js';
import { startGateway, type TestGateway } from '../test-support/start-gateway.js';

const fast = { ttft_ms: 0, tokens_per_second: 0, output_tokens: 5 };

describe('SQLite sessions on a disk that fills up', () => {
  let disk: SmallDisk;
  let harness: TestGateway;
  const usage = new CapturingUsageSink();

  before(async () => {
    disk = mountSmallDisk(2 * 1024 * 1024);
    harness = await startGateway({ SESSION_STORE: 'sqlite', DATA_DIR: disk.path, LOG_LEVEL: 'warn' }, { usage });
  });
  after(async () => {
    await harness.close();
    disk.remove();
  });

  const chat = (body: Record<string, unknown>) =>
    harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: harness.headers, payload: { simulate: fast, ...body } });
  const ready = async () => (await harness.gateway.app.inject({ method: 'GET', url: '/ready' })).json();

  test('a full disk: /ready says degraded, session requests get 503 dependency_unavailable and are accounted as the client saw them; it recovers', async () => {
    assert.equal((await chat({ message: 'first', session_id: 'disk-chat' })).statusCode, 200);
    assert.equal((await ready()).checks.sessions.status, 'ok');

    disk.fill();
    // The first write to meet the full disk: the reply came, its turns could not be kept.
    const failed = await chat({ message: 'second', session_id: 'disk-chat' });
    assert.equal(failed.statusCode, 503, failed.body);
    assert.equal(failed.json().error.code, 'dependency_unavailable');
    const record = await usage.waitFor((entry) => entry.requestId === failed.headers['x-request-id']);
    assert.deepEqual([record.outcome, record.errorCode], ['partial', 'dependency_unavailable'], 'the usage record says what the client saw');

    const readiness = await ready();
    assert.equal(readiness.status, 'ready', 'requests without a session are still served');
    assert.equal(readiness.checks.sessions.status, 'degraded');
    assert.match(readiness.checks.sessions.message, /cannot write \(SQLITE_FULL/);

    // Now refused before anything streams, like an unreachable Redis.
    const refused = await chat({ message: 'third', session_id: 'disk-chat' });
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.json().error.code, 'dependency_unavailable');
    const stateless = await chat({ message: 'no session' });
    assert.equal(stateless.statusCode, 200, 'a request that names no session does not need the store');

    disk.free();
    assert.equal((await ready()).checks.sessions.status, 'ok');
    assert.equal((await chat({ message: 'fourth', session_id: 'disk-chat' })).statusCode, 200);
    const history = await harness.gateway.app.inject({ method: 'GET', url: '/v1/sessions/disk-chat', headers: harness.headers });
    assert.deepEqual(
      history.json().turns.filter((turn: { role: string }) => turn.role === 'user').map((turn: { content: string }) => turn.content),
      ['first', 'fourth'],
    );
  });
});
