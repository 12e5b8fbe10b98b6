import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { hashSecret } from '../../access/key-secrets.js';
import { storeFixtures } from '../../test-support/store-fixtures.js';
import type { ApiKey, KeyStore, StoredSecret } from './key-store.js';
import { MemoryKeyStore } from './memory-key-store.js';
import { PostgresKeyStore } from './postgres-key-store.js';
import { SqliteKeyStore } from './sqlite-key-store.js';

const fixtures = storeFixtures('streamgate-keys-');
const { directory } = fixtures;

let files = 0;
let ids = 0;
const stores: [string, () => Promise<KeyStore>][] = [
  ['memory', async () => new MemoryKeyStore()],
  ['sqlite', async () => new SqliteKeyStore(path.join(directory, `keys-${files++}.db`))],
  ['postgres', () => PostgresKeyStore.open(fixtures.pool())],
];

const at = (offsetMs: number) => new Date(Date.UTC(2030, 0, 1) + offsetMs).toISOString();
const secret = (value: string, createdAt = at(0)): StoredSecret => ({ hash: hashSecret(value), hint: value.slice(-4), createdAt, expiresAt: null });
const newKey = (overrides: Partial<ApiKey> = {}): Omit<ApiKey, 'secrets'> => ({
  id: `key_test${ids++}`,
  name: 'reporting app',
  owner: 'team-a',
  allowedModels: ['simulator'],
  limits: { requestsPerWindow: 10, tokensPerMinute: 1000 },
  budget: { usd: 12.5, period: 'month' },
  createdAt: at(ids),
  expiresAt: null,
  revokedAt: null,
  ...overrides,
});

for (const [name, open] of stores) {
  describe(`${name} key store`, () => {
    test('keeps only the hash and hint of a secret, and finds the key by hash', async () => {
      const store = await open();
      const key = newKey();
      const created = await store.insert(key, secret(`sgk_secret-${key.id}`));
      assert.deepEqual(created, { ...key, secrets: [{ hint: key.id.slice(-4), createdAt: at(0), expiresAt: null }] });
      assert.ok(!JSON.stringify(created).includes(`sgk_secret-${key.id}`));
      const found = await store.findBySecretHash(hashSecret(`sgk_secret-${key.id}`));
      assert.equal(found?.key.id, key.id);
      assert.equal(found?.secretExpiresAt, null);
      assert.equal(await store.findBySecretHash(hashSecret('sgk_unknown')), undefined);
      await store.close();
    });

    test('lists by owner, without revoked keys unless asked', async () => {
      const store = await open();
      const owner = `owner-${ids}`;
      const one = newKey({ owner });
      const two = newKey({ owner, limits: {}, budget: null, allowedModels: null });
      await store.insert(one, secret(`one-${one.id}`));
      await store.insert(two, secret(`two-${two.id}`));
      await store.revoke(one.id, at(5));
      assert.deepEqual((await store.list({ owner })).map((key) => key.id), [two.id]);
      const all = await store.list({ owner, includeRevoked: true });
      assert.deepEqual(all.map((key) => key.id), [one.id, two.id]);
      assert.equal(all[0]!.revokedAt, at(5));
      assert.deepEqual(all[1]!.limits, {});
      assert.equal(all[1]!.allowedModels, null);
      await store.close();
    });

    test('rotation adds a secret and makes the older ones expire at the end of the overlap', async () => {
      const store = await open();
      const key = newKey();
      await store.insert(key, secret(`old-${key.id}`));
      const rotated = await store.rotate(key.id, secret(`new-${key.id}`, at(1000)), at(60_000));
      assert.equal(rotated?.secrets.length, 2);
      assert.equal(rotated?.secrets[0]!.createdAt, at(1000));
      assert.equal((await store.findBySecretHash(hashSecret(`old-${key.id}`)))?.secretExpiresAt, at(60_000));
      assert.equal((await store.findBySecretHash(hashSecret(`new-${key.id}`)))?.secretExpiresAt, null);
      // A second rotation with a shorter overlap shortens, never lengthens, the older secrets' lives.
      await store.rotate(key.id, secret(`newer-${key.id}`, at(2000)), at(30_000));
      assert.equal((await store.findBySecretHash(hashSecret(`old-${key.id}`)))?.secretExpiresAt, at(30_000));
      assert.equal((await store.findBySecretHash(hashSecret(`new-${key.id}`)))?.secretExpiresAt, at(30_000));
      await store.revoke(key.id, at(3000));
      assert.equal(await store.rotate(key.id, secret(`after-${key.id}`), at(4000)), undefined, 'a revoked key cannot be rotated');
      assert.equal(await store.rotate('key_missing', secret('x'), at(0)), undefined);
      await store.close();
    });

    test('updates fields, and revocation keeps its first time', async () => {
      const store = await open();
      const key = newKey();
      await store.insert(key, secret(`u-${key.id}`));
      const updated = await store.update(key.id, { name: 'renamed', limits: { concurrentStreams: 2 }, budget: null, expiresAt: at(99) });
      assert.equal(updated?.name, 'renamed');
      assert.deepEqual(updated?.limits, { concurrentStreams: 2 });
      assert.equal(updated?.budget, null);
      assert.equal(updated?.expiresAt, at(99));
      assert.equal(updated?.owner, key.owner);
      await store.revoke(key.id, at(10));
      assert.equal((await store.revoke(key.id, at(20)))?.revokedAt, at(10));
      assert.equal(await store.update('key_missing', { name: 'x' }), undefined);
      assert.equal(await store.revoke('key_missing', at(0)), undefined);
      await store.check();
      await store.close();
    });
  });
}

test('sqlite keys survive a reopen', async () => {
  const file = path.join(directory, 'reopen.db');
  const first = new SqliteKeyStore(file);
  const key = newKey();
  await first.insert(key, secret(`persist-${key.id}`));
  await first.close();
  const second = new SqliteKeyStore(file);
  assert.equal((await second.findBySecretHash(hashSecret(`persist-${key.id}`)))?.key.id, key.id);
  await second.close();
});

test('postgres migrations are idempotent and safe when instances start together', async () => {
  const stores = await Promise.all([PostgresKeyStore.open(fixtures.pool()), PostgresKeyStore.open(fixtures.pool()), PostgresKeyStore.open(fixtures.pool())]);
  assert.equal(stores.length, 3);
  const versions = await fixtures.pool().query("SELECT version FROM streamgate_migrations WHERE component = 'keys'");
  assert.deepEqual(versions.rows, [{ version: 1 }]);
});
