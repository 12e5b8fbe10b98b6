import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

test('defaults: port 8000 on loopback, SQLite sessions under ./data, 1 MiB bodies, 15 s heartbeats', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.sessionStore, 'sqlite');
  assert.equal(config.dataDirectory, path.resolve('data'));
  assert.equal(config.bodyLimitBytes, 1024 * 1024);
  assert.equal(config.heartbeatIntervalMs, 15_000);
  assert.deepEqual(config.apiKeys, []);
  assert.equal(config.defaultModel, 'simulator');
});

test('API_KEYS is a comma-separated list; blanks are ignored', () => {
  assert.deepEqual(loadConfig({ API_KEYS: ' one, two ,,' }).apiKeys, ['one', 'two']);
});

test('API_KEYS or ADMIN_API_KEY set to nothing but commas is refused, not read as "no keys" (which would print a development key)', () => {
  for (const variable of ['API_KEYS', 'ADMIN_API_KEY']) {
    for (const value of [',,', ' , ']) {
      assert.throws(
        () => loadConfig({ [variable]: value }),
        (error: unknown) => error instanceof ConfigError && error.problems.length === 1 && error.problems[0]!.startsWith(`${variable} holds no key`),
      );
    }
  }
  assert.deepEqual(loadConfig({ API_KEYS: '' }).apiKeys, []);
  assert.deepEqual(loadConfig({ ADMIN_API_KEY: '  ' }).access.adminKeys, []);
});

test('every bad variable is named in one error', () => {
  assert.throws(
    () => loadConfig({ PORT: '70000', HEARTBEAT_INTERVAL_MS: 'soon', SESSION_STORE: 'floppy' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 3);
      assert.match(error.message, /PORT must be an integer from 0 to 65535, got "70000"/);
      assert.match(error.message, /HEARTBEAT_INTERVAL_MS must be an integer/);
      assert.match(error.message, /SESSION_STORE must be "sqlite", "memory" or "redis"/);
      return true;
    },
  );
});

test('sessions go to Redis when REDIS_URL is set and SESSION_STORE is not; SESSION_STORE still decides', () => {
  assert.equal(loadConfig({ REDIS_URL: 'redis://cache:6379' }).sessionStore, 'redis');
  assert.equal(loadConfig({ REDIS_URL: 'redis://cache:6379', SESSION_STORE: 'sqlite' }).sessionStore, 'sqlite');
  assert.equal(loadConfig({ SESSION_STORE: 'memory' }).sessionStore, 'memory');
});

test('SESSION_STORE=redis without REDIS_URL is an error naming both, reported with the other combinations', () => {
  assert.throws(
    () => loadConfig({ SESSION_STORE: 'redis', KEY_STORE: 'postgres' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems, ['SESSION_STORE: "redis" needs REDIS_URL', 'KEY_STORE: "postgres" needs DATABASE_URL']);
      return true;
    },
  );
});
