import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { websocketErrorHandler } from '../transports/websocket/websocket-error-handler.js';
import { openRaw, rawExchange } from '../test-support/raw-http.js';
import { startGateway, TEST_KEY, type TestGateway } from '../test-support/start-gateway.js';
import { until } from '../test-support/until.js';
import { TestSocket } from '../test-support/ws-client.js';

const ERROR_LEVEL = 50;
let harness: TestGateway;
before(async () => {
  harness = await startGateway({ BODY_LIMIT_BYTES: '2048', RATE_LIMIT_REQUESTS: '0' });
});
after(async () => {
  await harness.close();
});

/** A client fault is logged once, at info or warn, with its code and no stack trace. */
function assertClientFault(line: Record<string, unknown> | undefined, what: string): void {
  assert.ok(line, `${what} is logged`);
  assert.ok(line.level === 30 || line.level === 40, `${what}: level ${String(line.level)}`);
  assert.ok(!JSON.stringify(line).includes('"stack"'), `${what}: no stack trace`);
}

test('client-caused events are logged at info without a stack, so that error-level alerts mean a gateway fault', async () => {
  // An upload the client gives up on halfway.
  const aborted = await openRaw(harness.url);
  aborted.socket.write(`POST /v1/chat HTTP/1.1\r\nHost: x\r\nX-API-Key: ${TEST_KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"message":`);
  await until(() => harness.logs.some((line) => line.msg === 'incoming request' && (line.req as { url?: string })?.url === '/v1/chat'), 5000, 'the upload to start');
  aborted.socket.destroy();
  await until(() => harness.logs.some((line) => line.code === 'cancelled'), 5000, 'the aborted upload to be logged');
  assertClientFault(harness.logs.find((line) => line.code === 'cancelled'), 'an aborted upload');

  // A WebSocket frame over BODY_LIMIT_BYTES, and one with a reserved opcode.
  const oversized = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, harness.headers);
  oversized.send({ message: 'x'.repeat(4096) });
  assert.equal((await oversized.closed).code, 1009);
  const badFrame = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, harness.headers);
  const rawSocket = (badFrame.socket as unknown as { _socket: { write(data: Buffer): void } })._socket;
  rawSocket.write(Buffer.from([0x83, 0x80, 0, 0, 0, 0]));
  assert.equal((await badFrame.closed).code, 1002);
  await until(() => harness.logs.filter((line) => String(line.code).startsWith('WS_ERR_')).length >= 2, 5000, 'the WebSocket faults to be logged');
  assertClientFault(harness.logs.find((line) => line.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'), 'an oversized frame');
  assertClientFault(harness.logs.find((line) => line.code === 'WS_ERR_INVALID_OPCODE'), 'a bad frame');

  // What Node's parser refuses, and a request too slow to arrive.
  await rawExchange(harness.url, 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n');
  assertClientFault(harness.logs.find((line) => line.code === 'malformed_request'), 'a malformed request');

  const errors = harness.logs.filter((line) => (line.level as number) >= ERROR_LEVEL);
  assert.deepEqual(errors, [], 'nothing at error level');
});

test("a WebSocket failure that is not the client's doing is still logged at error", () => {
  const lines: { level: string; payload: unknown }[] = [];
  const log = { info: (payload: unknown) => lines.push({ level: 'info', payload }), error: (payload: unknown) => lines.push({ level: 'error', payload }) };
  let terminated = 0;
  const socket = { terminate: () => terminated++ } as unknown as WebSocket;
  websocketErrorHandler(new Error('a bug in a handler'), socket, { log } as unknown as FastifyRequest);
  websocketErrorHandler(Object.assign(new RangeError('Invalid WebSocket frame: invalid opcode 3'), { code: 'WS_ERR_INVALID_OPCODE' }), socket, { log } as unknown as FastifyRequest);
  assert.deepEqual(
    lines.map((line) => line.level),
    ['error', 'info'],
  );
  assert.equal(terminated, 2);
});
