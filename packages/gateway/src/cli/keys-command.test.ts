import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { TestPostgres } from '../test-support/postgres-server.js';
import { startGateway } from '../test-support/start-gateway.js';

const MAIN = new URL('../../dist/main.js', import.meta.url).pathname;
const run = promisify(execFile);
const directory = mkdtempSync(path.join(tmpdir(), 'streamgate-cli-'));
after(() => rmSync(directory, { recursive: true, force: true }));

async function streamgate(environment: Record<string, string>, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, 'keys', ...args], { env: { PATH: process.env.PATH, ...environment }, timeout: 30_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failure = error as { stdout: string; stderr: string; code: number };
    return { stdout: failure.stdout, stderr: failure.stderr, code: failure.code };
  }
}

const chat = async (url: string, key: string) =>
  (await fetch(`${url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ message: 'hi', simulate: { ttft_ms: 0, tokens_per_second: 0, output_tokens: 2 } }) })).status;

const stores: [string, () => Promise<{ environment: Record<string, string>; close: () => Promise<void> }>][] = [
  ['sqlite', async () => ({ environment: { DATA_DIR: mkdtempSync(path.join(directory, 'data-')), KEY_STORE: 'sqlite' }, close: async () => undefined })],
  [
    'postgres',
    async () => {
      const postgres = await TestPostgres.start();
      return { environment: { DATA_DIR: mkdtempSync(path.join(directory, 'data-')), DATABASE_URL: postgres.url, USAGE_STORE: 'memory' }, close: () => postgres.close() };
    },
  ],
];

for (const [name, open] of stores) {
  describe(`streamgate keys on ${name}`, () => {
    let environment: Record<string, string>;
    let close: () => Promise<void>;
    before(async () => ({ environment, close } = await open()));
    after(() => close());

    test('create, list, rotate and revoke; a running gateway on the same store honours each', async () => {
      const created = await streamgate(environment, 'create', '--name', 'billing app', '--owner', 'team-a', '--models', 'simulator', '--requests-per-window', '30', '--budget-usd', '10', '--json');
      assert.equal(created.code, 0, created.stderr);
      const { key, secret } = JSON.parse(created.stdout);
      assert.match(secret, /^sgk_/);
      assert.deepEqual([key.name, key.owner, key.allowed_models, key.limits, key.budget], ['billing app', 'team-a', ['simulator'], { requests_per_window: 30 }, { usd: 10, period: 'month' }]);

      const harness = await startGateway({ ...environment, KEY_STORE: environment.KEY_STORE ?? 'postgres', KEY_CACHE_SECONDS: '0', API_KEYS: '' });
      try {
        assert.equal(harness.gateway.developmentKey, undefined, 'no development key once managed keys exist');
        assert.equal(await chat(harness.url, secret), 200);

        const listed = await streamgate(environment, 'list');
        assert.equal(listed.code, 0);
        assert.match(listed.stdout, new RegExp(`${key.id}\\s+active`));
        assert.ok(listed.stdout.includes(`secret ...${secret.slice(-4)}`));
        assert.ok(!listed.stdout.includes(secret), 'list never prints a secret');

        const rotated = await streamgate(environment, 'rotate', key.id, '--overlap-seconds', '0', '--json');
        assert.equal(rotated.code, 0, rotated.stderr);
        const fresh = JSON.parse(rotated.stdout).secret as string;
        assert.equal(await chat(harness.url, secret), 401);
        assert.equal(await chat(harness.url, fresh), 200);

        const revoked = await streamgate(environment, 'revoke', key.id);
        assert.equal(revoked.code, 0);
        assert.match(revoked.stdout, /revoked/);
        assert.equal(await chat(harness.url, fresh), 401);
        assert.equal((await streamgate(environment, 'list')).stdout.trim(), 'No keys.');
        assert.match((await streamgate(environment, 'list', '--all')).stdout, /revoked/);
      } finally {
        await harness.close();
      }
    });
  });
}

test('usage errors exit 64 with a message; the memory store is refused', async () => {
  const environment = { DATA_DIR: mkdtempSync(path.join(directory, 'data-')) };
  const missing = await streamgate(environment, 'create', '--name', 'x');
  assert.equal(missing.code, 64);
  assert.match(missing.stderr, /--name and --owner/);
  assert.equal((await streamgate(environment, 'rotate', 'key_nope')).code, 64);
  assert.equal((await streamgate(environment, 'frobnicate')).code, 64);
  assert.equal((await streamgate(environment, 'create', '--bogus')).code, 64);
  const memory = await streamgate({ ...environment, KEY_STORE: 'memory' }, 'list');
  assert.equal(memory.code, 64);
  assert.match(memory.stderr, /admin API/);
  const help = await streamgate(environment, '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: streamgate keys/);
});
