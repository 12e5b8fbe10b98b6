import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import { CONTENT_SECURITY_POLICY } from './page-headers.js';

let harness: TestGateway;
before(async () => {
  harness = await startGateway({}, {}, { listen: false });
});
after(async () => {
  await harness.close();
});

test('the API explorer, its files and the OpenAPI document carry the web app protections: no framing, no sniffing, own scripts only', async () => {
  const app = harness.gateway.app;
  const urls = ['/docs', '/docs/', '/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-initializer.js', '/docs/static/swagger-ui.css', '/docs/json', '/docs/yaml', '/openapi.json'];
  for (const url of urls) {
    const response = await app.inject({ method: 'GET', url });
    assert.ok(response.statusCode < 400, `${url}: ${response.statusCode}`);
    const policy = String(response.headers['content-security-policy']);
    assert.equal(policy, CONTENT_SECURITY_POLICY, url);
    assert.match(policy, /frame-ancestors 'none'/, url);
    assert.match(policy, /script-src 'self'(;|$)/, `${url}: no inline or remote scripts`);
    assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
    assert.equal(response.headers['x-frame-options'], 'DENY', url);
    assert.equal(response.headers['referrer-policy'], 'no-referrer', url);
  }
  // The page loads only files the gateway serves, so the policy above does not break it.
  const page = (await app.inject({ method: 'GET', url: '/docs/' })).body;
  for (const match of page.matchAll(/(?:src|href)="([^"]+)"/g)) assert.match(match[1]!, /^\.\//, `${match[1]} is served by the gateway`);
  assert.doesNotMatch(page, /<script>[^<]/, 'no inline script');
});

test('the same headers as the web app, from one definition; API routes do not pay for them', async () => {
  const api = await harness.gateway.app.inject({ method: 'GET', url: '/health' });
  assert.equal(api.headers['content-security-policy'], undefined);
  const withoutBuild = await startGateway({}, { webAppDirectory: '/nonexistent/streamgate-web' }, { listen: false });
  try {
    const page = await withoutBuild.gateway.app.inject({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 404);
    assert.equal(page.headers['content-security-policy'], CONTENT_SECURITY_POLICY, 'the page saying how to build the app too');
    assert.equal(page.headers['x-frame-options'], 'DENY');
  } finally {
    await withoutBuild.close();
  }
});
