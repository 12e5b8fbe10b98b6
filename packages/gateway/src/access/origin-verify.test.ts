import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { startGateway, type TestGateway } from '../test-support/start-gateway.js';

const SECRET = 'origin-secret-0123456789abcdef';

describe('ORIGIN_VERIFY_HEADER: only requests that came through the CDN', () => {
  let harness: TestGateway;
  before(async () => {
    harness = await startGateway({ ORIGIN_VERIFY_HEADER: SECRET, LOG_LEVEL: 'info' });
  });
  after(() => harness.close());

  const chat = (headers: Record<string, string>) =>
    harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', headers: { ...harness.headers, ...headers }, payload: { message: 'hi', simulate: { ttft_ms: 0, tokens_per_second: 0, output_tokens: 2 } } });

  test('a request without the header, or with a wrong one, is 403 forbidden even with a valid key', async () => {
    for (const headers of [{}, { 'x-origin-verify': 'wrong' }, { 'x-origin-verify': `${SECRET}x` }] as Record<string, string>[]) {
      const response = await chat(headers);
      assert.equal(response.statusCode, 403, JSON.stringify(headers));
      assert.equal(response.json().error.code, 'forbidden');
    }
  });

  test('with the header the request is served; the secret never reaches the logs', async () => {
    assert.equal((await chat({ 'x-origin-verify': SECRET })).statusCode, 200);
    assert.ok(!harness.rawLogs().includes(SECRET));
  });

  test('load balancer probes need no header', async () => {
    assert.equal((await harness.gateway.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    assert.equal((await harness.gateway.app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
  });

  test('a WebSocket upgrade without the header is refused before it opens', async () => {
    const socket = new WebSocket(`${harness.wsUrl}/v1/ws/chat`, { headers: harness.headers });
    const status = await new Promise<number>((resolve, reject) => {
      socket.once('unexpected-response', (request, response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      socket.once('open', () => reject(new Error('opened without the origin header')));
      socket.once('error', () => undefined);
    });
    assert.equal(status, 403);
    const through = new WebSocket(`${harness.wsUrl}/v1/ws/chat`, { headers: { ...harness.headers, 'x-origin-verify': SECRET } });
    await new Promise<void>((resolve, reject) => {
      through.once('open', () => resolve());
      through.once('error', reject);
    });
    through.close();
  });
});
