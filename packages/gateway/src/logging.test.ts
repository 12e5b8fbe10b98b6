import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postSse } from './test-support/sse-client.js';
import { startGateway, TEST_KEY } from './test-support/start-gateway.js';
import { TestSocket } from './test-support/ws-client.js';

test('logs are JSON lines with a request id per request, and no key ever appears in them', async () => {
  const harness = await startGateway({ LOG_LEVEL: 'debug' });
  try {
    const fast = { ttft_ms: 0, tokens_per_second: 0, output_tokens: 3 };
    await fetch(`${harness.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}`, 'x-request-id': 'trace-abc' },
      body: JSON.stringify({ message: 'hello', simulate: fast }),
    });
    for await (const item of postSse(`${harness.url}/v1/chat/stream`, { message: 'hello', simulate: fast }, harness.headers)) void item;
    await fetch(`${harness.url}/v1/chat`, { method: 'POST', headers: { 'x-api-key': `${TEST_KEY}-wrong` }, body: '{}' });
    const socket = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, harness.headers);
    socket.send({ message: 'over ws', request_id: 'ws-1', simulate: fast });
    await socket.request('ws-1');
    socket.close();
    await harness.gateway.engine.waitForIdle(1000);

    const incoming = harness.logs.filter((line) => line.msg === 'incoming request');
    assert.ok(incoming.length >= 4);
    assert.ok(incoming.every((line) => typeof line.reqId === 'string' && (line.reqId as string).length > 0));
    assert.ok(incoming.some((line) => line.reqId === 'trace-abc'));
    const usage = harness.logs.filter((line) => line.msg === 'request finished').map((line) => line.usage as Record<string, unknown>);
    assert.deepEqual(usage.map((record) => record.transport).sort(), ['rest', 'sse', 'websocket']);
    assert.ok(usage.every((record) => record.outcome === 'completed' && record.keyId !== TEST_KEY));
    assert.ok(usage.some((record) => record.requestId === 'trace-abc'));
    const raw = harness.rawLogs();
    assert.ok(!raw.includes(TEST_KEY), 'no log line contains the key');
  } finally {
    await harness.close();
  }
});
