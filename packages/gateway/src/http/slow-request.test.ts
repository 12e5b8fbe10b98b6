import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConfigError, loadConfig } from '../config.js';
import { openRaw, type RawConnection } from '../test-support/raw-http.js';
import { postSse } from '../test-support/sse-client.js';
import { startGateway, TEST_KEY, type TestGateway } from '../test-support/start-gateway.js';

const REQUEST_TIMEOUT_MS = 600;
const HEADERS_TIMEOUT_MS = 300;
// Node looks for expired requests every quarter of the headers timeout here; the rest is a busy machine's slack.
const SLACK_MS = 1500;

let harness: TestGateway;
before(async () => {
  harness = await startGateway({ REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), RATE_LIMIT_REQUESTS: '0' });
});
after(async () => {
  await harness.close();
});

/** Sends a request declaring a 100 KB body, then trickles it a byte every 20 ms until the server closes the connection. */
async function trickle(key: string): Promise<RawConnection> {
  const connection = await openRaw(harness.url, REQUEST_TIMEOUT_MS + SLACK_MS + 2000);
  connection.socket.write(`POST /v1/chat HTTP/1.1\r\nHost: x\r\nX-API-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
  const drip = setInterval(() => connection.socket.write(' '), 20);
  void connection.closed.finally(() => clearInterval(drip)).catch(() => {});
  return connection;
}

test('a body trickled a byte at a time is cut at REQUEST_TIMEOUT_MS with 408 request_timeout, with or without a valid key', async () => {
  const valid = await Promise.all(Array.from({ length: 10 }, () => trickle(TEST_KEY)));
  const wrong = await Promise.all(Array.from({ length: 10 }, () => trickle('sg-wrong-key-0123456789abcdef')));
  const validReplies = await Promise.all(valid.map((connection) => connection.closed));
  const wrongReplies = await Promise.all(wrong.map((connection) => connection.closed));
  for (const reply of validReplies) {
    assert.equal(reply.status, 408);
    assert.equal(JSON.parse(reply.body).error.code, 'request_timeout');
    assert.equal(reply.headers.connection, 'close');
    assert.ok(reply.closedAfterMs >= REQUEST_TIMEOUT_MS - 50, `closed after ${reply.closedAfterMs} ms, before the timeout`);
    assert.ok(reply.closedAfterMs <= REQUEST_TIMEOUT_MS + SLACK_MS, `closed after ${reply.closedAfterMs} ms`);
  }
  // A wrong key is answered at once; the connection then closes with the request timeout at the latest.
  for (const reply of wrongReplies) {
    assert.equal(reply.status, 401);
    assert.equal(JSON.parse(reply.body).error.code, 'unauthorized');
    assert.equal(reply.headers.connection, 'close', 'the answer says the connection will close');
    assert.ok(reply.closedAfterMs <= REQUEST_TIMEOUT_MS + SLACK_MS, `closed after ${reply.closedAfterMs} ms`);
  }
  const timeouts = harness.logs.filter((line) => line.code === 'request_timeout');
  assert.ok(timeouts.length >= 10, 'each timeout is logged');
  assert.ok(timeouts.every((line) => line.level === 30 && !('err' in line)), 'at info, without a stack');
});

test('headers that never finish are cut at HEADERS_TIMEOUT_MS', async () => {
  const connection = await openRaw(harness.url, HEADERS_TIMEOUT_MS + SLACK_MS + 2000);
  connection.socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: `);
  const reply = await connection.closed;
  assert.equal(reply.status, 408);
  assert.equal(JSON.parse(reply.body).error.code, 'request_timeout');
  assert.ok(reply.closedAfterMs <= HEADERS_TIMEOUT_MS + SLACK_MS, `closed after ${reply.closedAfterMs} ms`);
});

test('the timeout covers receiving the request, not the reply: a stream longer than REQUEST_TIMEOUT_MS completes', async () => {
  const started = Date.now();
  const events: string[] = [];
  for await (const item of postSse(`${harness.url}/v1/chat/stream`, { message: 'a long reply', simulate: { ttft_ms: 0, tokens_per_second: 20, output_tokens: 30 } }, harness.headers)) {
    if (item.kind === 'event') events.push(item.event ?? '');
  }
  assert.ok(Date.now() - started > REQUEST_TIMEOUT_MS, 'the reply outlasted the request timeout');
  assert.equal(events.at(-1), 'done');
});

test('a keep-alive connection idle between requests is not cut by the request timeout', async () => {
  const connection = await openRaw(harness.url, REQUEST_TIMEOUT_MS + SLACK_MS + 3000);
  const answers: string[] = [];
  connection.socket.on('data', (chunk: string) => answers.push(chunk));
  connection.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise<void>((resolve) => connection.socket.once('data', () => resolve()));
  // Idle for longer than both timeouts: the next request on the same connection is still served.
  const idleUntil = Date.now() + REQUEST_TIMEOUT_MS + 400;
  await new Promise<void>((resolve) => setTimeout(resolve, idleUntil - Date.now()));
  connection.socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  const closed = await connection.closed;
  assert.equal(answers.join('').match(/HTTP\/1\.1 200/g)?.length, 2, 'both requests answered on one connection');
  assert.equal(closed.status, 200);
});

test('REQUEST_TIMEOUT_MS and HEADERS_TIMEOUT_MS: defaults of 30 s and 10 s, the headers timeout never above the request timeout, bad values refused', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.requestTimeoutMs, 30_000);
  assert.equal(defaults.headersTimeoutMs, 10_000);
  const short = loadConfig({ REQUEST_TIMEOUT_MS: '5000' });
  assert.equal(short.headersTimeoutMs, 5000, 'Node refuses a headers timeout longer than the request timeout');
  assert.throws(() => loadConfig({ REQUEST_TIMEOUT_MS: '0' }), (error: unknown) => error instanceof ConfigError && /REQUEST_TIMEOUT_MS/.test(error.message));
  assert.throws(() => loadConfig({ HEADERS_TIMEOUT_MS: 'soon' }), (error: unknown) => error instanceof ConfigError && /HEADERS_TIMEOUT_MS/.test(error.message));
});
