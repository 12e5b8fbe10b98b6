import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startGateway } from '../test-support/start-gateway.js';

const preflight = { 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' };

test('closed by default: no CORS headers for another origin, and a same-origin browser request just works', async () => {
  const harness = await startGateway();
  try {
    const foreign = await harness.gateway.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: { ...harness.headers, origin: 'https://evil.example' } });
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);
    const options = await harness.gateway.app.inject({ method: 'OPTIONS', url: '/v1/chat', headers: { origin: 'https://evil.example', ...preflight } });
    assert.equal(options.headers['access-control-allow-origin'], undefined);
    // The web app served by the gateway itself: same origin, so the browser needs no CORS headers.
    const sameOrigin = await fetch(`${harness.url}/api/v1/sessions`, { method: 'POST', headers: { ...harness.headers, origin: harness.url } });
    assert.equal(sameOrigin.status, 201);
  } finally {
    await harness.close();
  }
});

test('CORS_ORIGINS: listed origins get preflight answers and exposed headers (SSE included); others get none', async () => {
  const harness = await startGateway({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' });
  try {
    const answered = await harness.gateway.app.inject({ method: 'OPTIONS', url: '/v1/chat/stream', headers: { origin: 'https://app.example.com', ...preflight } });
    assert.equal(answered.statusCode, 204);
    assert.equal(answered.headers['access-control-allow-origin'], 'https://app.example.com');
    assert.match(answered.headers['access-control-allow-headers'] as string, /x-api-key/);
    assert.equal(answered.headers['access-control-allow-credentials'], undefined, 'no cookies: credentials are headers');

    const refused = await harness.gateway.app.inject({ method: 'OPTIONS', url: '/v1/chat/stream', headers: { origin: 'https://evil.example', ...preflight } });
    assert.equal(refused.headers['access-control-allow-origin'], undefined);

    const stream = await fetch(`${harness.url}/v1/chat/stream`, {
      method: 'POST',
      headers: { ...harness.headers, 'content-type': 'application/json', origin: 'http://localhost:5173' },
      body: JSON.stringify({ message: 'hi', simulate: { ttft_ms: 0, tokens_per_second: 0, output_tokens: 2 } }),
    });
    assert.equal(stream.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.match(stream.headers.get('access-control-expose-headers')!, /x-request-id.*ratelimit-remaining.*retry-after/);
    await stream.text();
  } finally {
    await harness.close();
  }
});
