import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { startGateway, TEST_KEY, type TestGateway } from '../test-support/start-gateway.js';

type LogLine = Record<string, unknown> & { msg?: string; level?: number; reqId?: string };

/** A gateway whose log lines can be awaited, rather than polled for. */
async function gatewayWithLogs(logLevel: string): Promise<{ harness: TestGateway; lines: LogLine[]; completed: (requestId: string) => Promise<LogLine> }> {
  const lines: LogLine[] = [];
  const written = new EventEmitter();
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString().split('\n')) {
        if (!text.trim()) continue;
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        written.emit('line', line);
      }
      callback();
    },
  });
  const harness = await startGateway({ LOG_LEVEL: logLevel }, { logStream }, { listen: false });
  const completed = (requestId: string) =>
    new Promise<LogLine>((resolve, reject) => {
      const found = lines.find((line) => line.reqId === requestId && line.msg === 'request completed');
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`no "request completed" line for ${requestId} within 5 s`)), 5_000);
      written.on('line', function onLine(line: LogLine) {
        if (line.reqId !== requestId || line.msg !== 'request completed') return;
        clearTimeout(timer);
        written.off('line', onLine);
        resolve(line);
      });
    });
  return { harness, lines, completed };
}

const INFO = 30;
const DEBUG = 20;

describe('request log lines', () => {
  test('the line that closes a request names its path, the key id and the model, never the key', async () => {
    const { harness, completed } = await gatewayWithLogs('info');
    try {
      await harness.gateway.app.inject({
        method: 'POST',
        url: '/v1/chat?verbose=1',
        headers: { 'x-api-key': TEST_KEY, 'x-request-id': 'chat-1' },
        payload: { message: 'hi', model: 'simulator', simulate: { ttft_ms: 0, tokens_per_second: 0, output_tokens: 2 } },
      });
      const line = await completed('chat-1');
      assert.equal(line.level, INFO);
      assert.equal(line.path, '/v1/chat');
      assert.equal(line.model, 'simulator');
      assert.equal(typeof line.keyId, 'string');
      assert.notEqual(line.keyId, TEST_KEY);
      assert.equal((line.res as { statusCode: number }).statusCode, 200);
      assert.ok(!harness.rawLogs().includes(TEST_KEY));

      await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: { 'x-api-key': 'wrong-key-0123456789', 'x-request-id': 'refused-1' }, payload: { message: 'hi' } });
      const refused = await completed('refused-1');
      assert.equal(refused.path, '/v1/chat');
      assert.equal(refused.keyId, undefined, 'no key id for a refused credential');
    } finally {
      await harness.close();
    }
  });

  test('/health and /ready are logged at debug: at the default level a load balancer\'s probes add no lines', async () => {
    const quiet = await gatewayWithLogs('info');
    try {
      for (const url of ['/health', '/ready']) await quiet.harness.gateway.app.inject({ method: 'GET', url, headers: { 'x-request-id': `probe${url.replace('/', '-')}` } });
      // A request after the probes: once its line is written, the probes' would have been too.
      await quiet.harness.gateway.app.inject({ method: 'GET', url: '/v1/models', headers: { 'x-api-key': TEST_KEY, 'x-request-id': 'after-probes' } });
      await quiet.completed('after-probes');
      assert.deepEqual(quiet.lines.filter((line) => String(line.reqId).startsWith('probe-')), []);
    } finally {
      await quiet.harness.close();
    }

    const verbose = await gatewayWithLogs('debug');
    try {
      await verbose.harness.gateway.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'probe-health' } });
      const line = await verbose.completed('probe-health');
      assert.equal(line.level, DEBUG);
      assert.equal(line.path, '/health');
      assert.ok(verbose.lines.some((entry) => entry.reqId === 'probe-health' && entry.msg === 'incoming request' && entry.level === DEBUG));
    } finally {
      await verbose.harness.close();
    }
  });
});
