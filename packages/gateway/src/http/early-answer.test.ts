import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { openRaw } from '../test-support/raw-http.js';
import { until } from '../test-support/until.js';
import { startGateway, TEST_KEY, type TestGateway } from '../test-support/start-gateway.js';

const MiB = 1024 * 1024;
let harness: TestGateway;
before(async () => {
  harness = await startGateway({ RATE_LIMIT_REQUESTS: '0' });
});
after(async () => {
  await harness.close();
});

/**
 * Resolves once the gateway has answered the next request it receives and then either closed the
 * connection or read everything `sentBytes()` says the client has sent so far while keeping it open:
 * the moment a client still uploading finds out whether it may go on. A close is an event, and the
 * upload goes on at once, as a client busy uploading would; reading has no event, so it is polled.
 */
function answeredWhileUploading(sentBytes: () => number): Promise<void> {
  return new Promise((resolve, reject) => {
    harness.gateway.app.server.once('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      const socket = request.socket;
      response.once('finish', () => {
        let closed = false;
        socket.once('close', () => {
          closed = true;
          resolve();
        });
        until(() => closed || (!socket.writableEnded && socket.bytesRead >= sentBytes()), 5000, 'the gateway to close the connection or read what was sent').then(resolve, reject);
      });
    });
  });
}

/** A body of `totalBytes` that stops after `pauseAfterBytes` until `resume()` settles. */
function pausingBody(totalBytes: number, pauseAfterBytes: number, resume: () => Promise<void>): { body: ReadableStream<Uint8Array>; sent: () => number } {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === pauseAfterBytes) await resume();
      if (sent >= totalBytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
  return { body, sent: () => sent };
}

/** Uploads `totalBytes`, pausing after `pauseAfterBytes` until the gateway has answered and shown what it does with the connection. */
function uploadAnsweredMidway(totalBytes: number, pauseAfterBytes: number): ReadableStream<Uint8Array> {
  let answered: Promise<void> | undefined;
  const upload = pausingBody(totalBytes, pauseAfterBytes, () => answered!);
  answered = answeredWhileUploading(upload.sent);
  return upload.body;
}

async function postStreaming(url: string, headers: Record<string, string>, body: ReadableStream<Uint8Array>): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit);
}

test("Node's fetch gets 413 payload_too_large for bodies of 2 MiB and more, declared or chunked, still uploading when answered", async () => {
  for (const declared of [true, false]) {
    const response = await postStreaming(
      `${harness.url}/v1/chat`,
      { ...harness.headers, ...(declared ? { 'content-length': String(4 * MiB) } : {}) },
      uploadAnsweredMidway(4 * MiB, 2 * MiB),
    );
    assert.equal(response.status, 413, declared ? 'declared length' : 'chunked');
    assert.equal(response.headers.get('connection'), 'close');
    const body = (await response.json()) as { error: { code: string; request_id: string } };
    assert.equal(body.error.code, 'payload_too_large');
    assert.equal(body.error.request_id, response.headers.get('x-request-id'));
  }
  for (const size of [2 * MiB, 8 * MiB]) {
    const response = await fetch(`${harness.url}/v1/chat`, { method: 'POST', headers: { ...harness.headers, 'content-type': 'application/json' }, body: new Uint8Array(size) });
    assert.equal(response.status, 413, `${size} bytes in one buffer`);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'payload_too_large');
  }
});

test("Node's http.request gets the 413 too, answered while it is still writing the body", async () => {
  let sent = 0;
  const answered = answeredWhileUploading(() => sent);
  const status = await new Promise<number>((resolve, reject) => {
    const request = http.request(`${harness.url}/v1/chat`, { method: 'POST', headers: { ...harness.headers, 'content-type': 'application/json', 'content-length': 4 * MiB } }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    request.once('error', reject);
    const half = Buffer.alloc(2 * MiB, 0x20);
    request.write(half);
    sent = half.length;
    answered.then(() => request.end(half), reject);
  });
  assert.equal(status, 413);
});

test('a wrong key is answered at once while the body is still uploading, and the client still reads the 401', async () => {
  const response = await postStreaming(`${harness.url}/v1/chat`, { 'x-api-key': 'sg-wrong-key-0123456789abcdef' }, uploadAnsweredMidway(3 * MiB, 1 * MiB));
  assert.equal(response.status, 401);
  assert.equal(response.headers.get('connection'), 'close');
  assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'unauthorized');
});

test('a connection whose request was answered before its body arrived closes once the body is in, and serves nothing more', async () => {
  const connection = await openRaw(harness.url);
  connection.socket.write('POST /v1/chat HTTP/1.1\r\nHost: x\r\nX-API-Key: wrong\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"message":');
  const head = await new Promise<string>((resolve) => connection.socket.once('data', (chunk: string) => resolve(chunk)));
  assert.match(head, /^HTTP\/1\.1 401/);
  assert.match(head, /connection: close/i);
  // The rest of the body, then a pipelined request the gateway must not answer on this connection.
  connection.socket.write(`${' '.repeat(1000 - '{"message":'.length)}GET /health HTTP/1.1\r\nHost: x\r\n\r\n`);
  const reply = await connection.closed;
  assert.equal(reply.status, 401);
  assert.equal(reply.text.match(/HTTP\/1\.1 /g)?.length, 1, 'one answer on the connection');
});

test('a declared body beyond the discard bound is not waited for: the answer goes out and the connection closes', async () => {
  const connection = await openRaw(harness.url);
  connection.socket.write(`POST /v1/chat HTTP/1.1\r\nHost: x\r\nX-API-Key: ${TEST_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${1024 * MiB}\r\n\r\n{`);
  const reply = await connection.closed;
  assert.equal(reply.status, 413);
  assert.equal(JSON.parse(reply.body).error.code, 'payload_too_large');
});

test('a chunked body refused early is read at most to the discard bound, then the connection closes', async () => {
  const connection = await openRaw(harness.url, 20_000);
  connection.socket.write('POST /v1/chat HTTP/1.1\r\nHost: x\r\nX-API-Key: wrong\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
  const chunk = `${(MiB).toString(16)}\r\n${' '.repeat(MiB)}\r\n`;
  let written = 0;
  const write = () => {
    // Writes until the gateway closes: at most the bound (16 MiB) plus what the socket buffers hold.
    while (!connection.socket.destroyed && written < 64) {
      written++;
      if (!connection.socket.write(chunk)) return void connection.socket.once('drain', write);
    }
  };
  write();
  const reply = await connection.closed;
  assert.equal(reply.status, 401);
  assert.ok(written < 64, `the gateway closed the connection after ${written} MiB`);
});
