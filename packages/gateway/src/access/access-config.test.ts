import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../config.js';

const problems = (environment: Record<string, string>) => {
  try {
    loadConfig(environment);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
};

test('access defaults: SQLite keys and usage, 100 requests per 60 s, local limits, closed CORS, no JWT', () => {
  const { access } = loadConfig({});
  assert.equal(access.keyStore, 'sqlite');
  assert.equal(access.usageStore, 'sqlite');
  assert.deepEqual(access.rateLimits, { requestsPerWindow: 100, windowSeconds: 60, anonymousRequestsPerWindow: 100, tokensPerMinute: 0, concurrentStreams: 0 });
  assert.equal(access.rateLimitFailureMode, 'open');
  assert.deepEqual(access.corsOrigins, []);
  assert.equal(access.jwt, undefined);
  assert.equal(access.ticketTtlSeconds, 30);
  assert.equal(access.trustProxy, false);
});

test('DATABASE_URL makes PostgreSQL the default for keys and usage', () => {
  const { access } = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/streamgate' });
  assert.deepEqual([access.keyStore, access.usageStore], ['postgres', 'postgres']);
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@db/x', USAGE_STORE: 'sqlite' }).access.usageStore, 'sqlite');
});

test('RATE_LIMIT_WINDOW takes seconds or a unit; RATE_LIMIT_ANONYMOUS_REQUESTS defaults to RATE_LIMIT_REQUESTS', () => {
  assert.equal(loadConfig({ RATE_LIMIT_WINDOW: '5m' }).access.rateLimits.windowSeconds, 300);
  assert.equal(loadConfig({ RATE_LIMIT_WINDOW: '1h' }).access.rateLimits.windowSeconds, 3600);
  assert.equal(loadConfig({ RATE_LIMIT_WINDOW: '90' }).access.rateLimits.windowSeconds, 90);
  assert.equal(loadConfig({ RATE_LIMIT_REQUESTS: '7' }).access.rateLimits.anonymousRequestsPerWindow, 7);
  assert.equal(loadConfig({ RATE_LIMIT_REQUESTS: '7', RATE_LIMIT_ANONYMOUS_REQUESTS: '2' }).access.rateLimits.anonymousRequestsPerWindow, 2);
});

test('JWT: the algorithm defaults to the key source, and each impossible combination names its variable', () => {
  assert.deepEqual(loadConfig({ JWT_SECRET: 'x'.repeat(32) }).access.jwt?.algorithms, ['HS256']);
  const jwks = loadConfig({ JWT_JWKS_URL: 'https://idp.example/.well-known/jwks.json', JWT_ISSUER: 'https://idp.example/', JWT_AUDIENCE: 'a,b' }).access.jwt;
  assert.deepEqual([jwks?.algorithms, jwks?.audience, jwks?.userClaim, jwks?.clockSkewSeconds], [['RS256'], ['a', 'b'], 'sub', 30]);
  const found = problems({
    JWT_SECRET: 'short',
    JWT_JWKS_URL: 'ftp://idp',
    JWT_ALGORITHMS: 'none,HS256,ES256,RS1',
    KEY_STORE: 'postgres',
    CORS_ORIGINS: 'https://ok.example,https://bad.example/path',
    REDIS_URL: 'localhost:6379',
  });
  const text = found.join('\n');
  for (const expected of [
    /JWT_ALGORITHMS: "none" is not accepted/,
    /JWT_ALGORITHMS: "RS1" is not accepted/,
    /JWT_SECRET must be at least 32 bytes/,
    /JWT_JWKS_URL must be an http\(s\):\/\/ URL/,
    /JWT_ISSUER is required with JWT_JWKS_URL/,
    /KEY_STORE: "postgres" needs DATABASE_URL/,
    /CORS_ORIGINS: "https:\/\/bad.example\/path" is not an origin/,
    /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/,
  ]) {
    assert.match(text, expected);
  }
  assert.match(problems({ JWT_SECRET: 'x'.repeat(32), JWT_ALGORITHMS: 'RS256' }).join('\n'), /RS256 needs JWT_JWKS_URL/);
  // Malformed values are reported first, each naming its variable.
  assert.deepEqual(problems({ RATE_LIMIT_WINDOW: 'forever', RATE_LIMIT_FAILURE_MODE: 'maybe', USAGE_BATCH_SIZE: '0' }), [
    'RATE_LIMIT_WINDOW must be a duration from 1 s to 24 h (e.g. 60, 60s, 5m), got "forever"',
    'RATE_LIMIT_FAILURE_MODE must be "open" or "closed"',
    'USAGE_BATCH_SIZE must be an integer from 1 to 100000, got "0"',
  ]);
});

test('TRUST_PROXY: true, a hop count, or addresses', () => {
  assert.equal(loadConfig({ TRUST_PROXY: 'true' }).access.trustProxy, true);
  const hops = loadConfig({ TRUST_PROXY: '1' }).access.trustProxy as (address: string, hop: number) => boolean;
  assert.deepEqual([hops('10.0.0.1', 0), hops('10.0.0.1', 1)], [true, false]);
  assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).access.trustProxy, ['10.0.0.0/8', '127.0.0.1']);
});
