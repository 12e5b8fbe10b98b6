import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JwksServer, signingKey, signJwt, unsignedJwt, type SigningKey } from '../test-support/jwks-server.js';
import { startGateway, type TestGateway } from '../test-support/start-gateway.js';
import { TestSocket } from '../test-support/ws-client.js';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const ISSUER = 'https://issuer.example.test/';
const AUDIENCE = 'streamgate-tests';
const now = () => Math.floor(Date.now() / 1000);
const valid = (overrides: Record<string, unknown> = {}) => ({ sub: 'user-1', iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 300, ...overrides });

describe('JWT bearer tokens', () => {
  let harness: TestGateway;
  let jwks: JwksServer;
  let rsa: SigningKey;
  let ec: SigningKey;
  let stranger: SigningKey;
  const secret = new TextEncoder().encode(SECRET);

  before(async () => {
    rsa = await signingKey('RS256', 'rsa-1');
    ec = await signingKey('ES256', 'ec-1');
    stranger = await signingKey('RS256', 'rsa-1');
    jwks = await JwksServer.start([rsa, ec]);
    harness = await startGateway({
      JWT_SECRET: SECRET,
      JWT_JWKS_URL: jwks.url,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      JWT_ALGORITHMS: 'HS256,RS256,ES256',
      JWT_CLOCK_SKEW_SECONDS: '30',
    });
  });
  after(async () => {
    await harness.close();
    await jwks.close();
  });

  const call = (token: string) =>
    harness.gateway.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: { authorization: `Bearer ${token}` } });
  const refused = async (token: string, code: string) => {
    const response = await call(token);
    assert.equal(response.statusCode, 401, response.body);
    assert.equal(response.json().error.code, code, response.body);
    assert.match(response.headers['www-authenticate'] as string, /^Bearer/);
  };

  test('accepts HS256 with JWT_SECRET, and RS256 and ES256 from the JWKS; the user claim becomes the caller', async () => {
    for (const token of [await signJwt(valid(), secret), await signJwt(valid(), rsa), await signJwt(valid(), ec)]) {
      const response = await call(token);
      assert.equal(response.statusCode, 201, response.body);
    }
    const stream = await harness.gateway.app.inject({
      method: 'POST',
      url: '/v1/chat',
      headers: { authorization: `Bearer ${await signJwt(valid({ sub: 'user-42' }), rsa)}` },
      payload: { message: 'hi', simulate: { ttft_ms: 0, tokens_per_second: 0, output_tokens: 2 } },
    });
    assert.equal(stream.statusCode, 200);
    await harness.gateway.usage.flush();
    const records = harness.logs.filter((line) => line.msg === 'request finished').map((line) => line.usage as Record<string, unknown>);
    assert.deepEqual([records.at(-1)!.keyId, records.at(-1)!.userId], ['jwt:user-42', 'user-42']);
    assert.equal(jwks.fetches, 1, 'the JWKS is fetched once and cached');
  });

  test('a token just past its expiry is still accepted within the clock skew', async () => {
    assert.equal((await call(await signJwt(valid({ exp: now() - 10 }), rsa))).statusCode, 201);
  });

  test('refuses alg none and algorithms that are not pinned', async () => {
    await refused(unsignedJwt(valid()), 'token_algorithm_not_allowed');
    await refused(await signJwt(valid(), secret, 'HS384'), 'token_algorithm_not_allowed');
  });

  test('refuses a bad signature, a tampered payload and a key the JWKS does not have', async () => {
    const token = await signJwt(valid(), rsa);
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify(valid({ sub: 'admin' }))).toString('base64url');
    await refused(`${header}.${forged}.${signature}`, 'invalid_token');
    await refused(await signJwt(valid(), stranger), 'invalid_token');
    await refused(await signJwt(valid(), new TextEncoder().encode('another-secret-of-at-least-32-bytes!!')), 'invalid_token');
    await refused(await signJwt(valid(), { ...rsa, kid: 'unknown-kid' }), 'invalid_token');
    await refused('eyJhbGciOiJIUzI1NiJ9.not-base64-json.sig', 'invalid_token');
  });

  test('refuses an expired token, one not valid yet, and one issued in the future', async () => {
    await refused(await signJwt(valid({ exp: now() - 120 }), rsa), 'token_expired');
    await refused(await signJwt(valid({ nbf: now() + 300 }), rsa), 'token_not_yet_valid');
    await refused(await signJwt(valid({ iat: now() + 300 }), rsa), 'token_not_yet_valid');
  });

  test('refuses a wrong issuer or audience, no user claim and no expiry', async () => {
    await refused(await signJwt(valid({ iss: 'https://evil.example.test/' }), rsa), 'token_claims_invalid');
    await refused(await signJwt(valid({ aud: 'another-app' }), rsa), 'token_claims_invalid');
    await refused(await signJwt(valid({ sub: undefined }), rsa), 'token_claims_invalid');
    await refused(await signJwt(valid({ exp: undefined }), rsa), 'token_claims_invalid');
  });

  test('a JWT works on the WebSocket upgrade too', async () => {
    const socket = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, { authorization: `Bearer ${await signJwt(valid(), ec)}` });
    assert.equal((await socket.next(() => true)).event, 'connected');
    socket.close();
  });

  test('a WebSocket closes with 4401 token_expired when its JWT expires, after the request it is running', async () => {
    // Past its exp by 28 s of the 30 s skew: the token works for 1-2 s more.
    const exp = now() - 28;
    const socket = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, { authorization: `Bearer ${await signJwt(valid({ exp }), ec)}` });
    let closedAt: number | undefined;
    void socket.closed.then(() => (closedAt = Date.now()));
    socket.send({ message: 'a long reply', request_id: 'long', simulate: { ttft_ms: 0, tokens_per_second: 10, output_tokens: 40 } });
    const frames = await socket.request('long');
    assert.equal(frames.at(-1)!.event, 'done', 'the running request is not cut');
    assert.equal(closedAt, undefined, 'the socket stays open until the request ends');
    assert.deepEqual(await socket.closed, { code: 4401, reason: 'token_expired' });
    assert.ok(closedAt! >= (exp + 30) * 1000, 'not before the token expired');
  });

  test('no JWT, key or ticket ever reaches the logs', async () => {
    const raw = harness.rawLogs();
    assert.ok(!/eyJ[\w-]+\.eyJ/.test(raw), 'no JWT in the logs');
    assert.ok(!raw.includes(SECRET));
  });
});

test('with RS256 pinned, an HS256 token signed with the public key (algorithm confusion) is refused', async () => {
  const rsa = await signingKey('RS256', 'only');
  const jwks = await JwksServer.start([rsa]);
  const harness = await startGateway({ JWT_JWKS_URL: jwks.url, JWT_ISSUER: ISSUER });
  try {
    const publicJwk = new TextEncoder().encode(JSON.stringify(rsa.jwk));
    const token = await signJwt(valid({ aud: undefined }), publicJwk, 'HS256');
    const response = await harness.gateway.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.json().error.code, 'token_algorithm_not_allowed');
    const good = await harness.gateway.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: { authorization: `Bearer ${await signJwt(valid({ aud: undefined }), rsa)}` } });
    assert.equal(good.statusCode, 201);
  } finally {
    await harness.close();
    await jwks.close();
  }
});

test('a JWKS that cannot be reached is a 503 dependency_unavailable, not a 401', async () => {
  const rsa = await signingKey('RS256', 'gone');
  const jwks = await JwksServer.start([rsa]);
  const url = jwks.url;
  await jwks.close();
  const harness = await startGateway({ JWT_JWKS_URL: url, JWT_ISSUER: ISSUER });
  try {
    const response = await harness.gateway.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: { authorization: `Bearer ${await signJwt(valid(), rsa)}` } });
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().error.code, 'dependency_unavailable');
  } finally {
    await harness.close();
  }
});

test('without JWT configuration a bearer JWT is simply unauthorized', async () => {
  const harness = await startGateway();
  try {
    const token = await signJwt(valid(), new TextEncoder().encode(SECRET));
    const response = await harness.gateway.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.json().error.code, 'unauthorized');
  } finally {
    await harness.close();
  }
});
