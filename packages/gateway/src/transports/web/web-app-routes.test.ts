import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';

let built: string;
let gateway: TestGateway;
before(async () => {
  built = mkdtempSync(path.join(tmpdir(), 'streamgate-web-'));
  mkdirSync(path.join(built, 'assets'));
  writeFileSync(path.join(built, 'index.html'), '<!doctype html><title>StreamGate</title><script type="module" src="/assets/app-1234.js"></script>');
  writeFileSync(path.join(built, 'assets', 'app-1234.js'), 'console.log("app");');
  writeFileSync(path.join(built, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  gateway = await startGateway({}, { webAppDirectory: built }, { listen: false });
});
after(async () => {
  await gateway.close();
  rmSync(built, { recursive: true, force: true });
});

test('serves the app at / without a key, never cached stale, with a strict content security policy', async () => {
  const response = await gateway.gateway.app.inject({ method: 'GET', url: '/' });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/html/);
  assert.match(response.body, /<title>StreamGate<\/title>/);
  assert.equal(response.headers['cache-control'], 'no-cache');
  assert.match(String(response.headers['content-security-policy']), /default-src 'self'.*connect-src 'self'/);
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  assert.equal(response.headers['ratelimit-limit'], undefined, 'static files spend no request budget');
  const again = await gateway.gateway.app.inject({ method: 'GET', url: '/index.html' });
  assert.equal(again.body, response.body);
});

test('serves hashed assets for a year and the build top-level files', async () => {
  const asset = await gateway.gateway.app.inject({ method: 'GET', url: '/assets/app-1234.js' });
  assert.equal(asset.statusCode, 200);
  assert.match(String(asset.headers['content-type']), /javascript/);
  assert.match(String(asset.headers['cache-control']), /max-age=31536000.*immutable/);
  const icon = await gateway.gateway.app.inject({ method: 'GET', url: '/favicon.svg' });
  assert.equal(icon.statusCode, 200);
  assert.match(String(icon.headers['content-type']), /svg/);
});

test('a missing asset or a path out of the build is the gateway JSON 404', async () => {
  for (const url of ['/assets/missing.js', '/assets/..%2Findex.html', '/assets/../../etc/passwd', '/compare']) {
    const response = await gateway.gateway.app.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 404, url);
    assert.equal(response.json().error.code, 'not_found', url);
  }
});

test('the API keeps its own answers: auth, 404, 405, health, docs', async () => {
  assert.equal((await gateway.gateway.app.inject({ method: 'GET', url: '/v1/sessions/abc' })).statusCode, 401);
  assert.equal((await gateway.gateway.app.inject({ method: 'GET', url: '/v1/chat', headers: gateway.headers })).statusCode, 405);
  assert.equal((await gateway.gateway.app.inject({ method: 'POST', url: '/', headers: gateway.headers })).statusCode, 405);
  assert.equal((await gateway.gateway.app.inject({ method: 'GET', url: '/v1/nothing', headers: gateway.headers })).json().error.code, 'not_found');
  assert.equal((await gateway.gateway.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  assert.equal((await gateway.gateway.app.inject({ method: 'GET', url: '/docs/' })).statusCode, 200);
});

test('without a build, / says how to make one and the gateway works', async () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'streamgate-web-empty-'));
  const bare = await startGateway({}, { webAppDirectory: path.join(empty, 'dist') }, { listen: false });
  try {
    const response = await bare.gateway.app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 404);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.match(response.body, /npm run build/);
    assert.equal((await bare.gateway.app.inject({ method: 'GET', url: '/assets/app.js' })).statusCode, 404);
    assert.equal((await bare.gateway.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  } finally {
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  }
});
