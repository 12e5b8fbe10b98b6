import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyStorage } from './key-storage.js';

test('reads, writes and clears the key', () => {
  const values = new Map<string, string>();
  const storage = new KeyStorage({
    getItem: (name) => values.get(name) ?? null,
    setItem: (name, value) => void values.set(name, value),
    removeItem: (name) => void values.delete(name),
  });
  assert.equal(storage.read(), undefined);
  storage.write('sg-key');
  assert.equal(storage.read(), 'sg-key');
  storage.clear();
  assert.equal(storage.read(), undefined);
});

test('storage that throws means memory only, never an exception', () => {
  const failing = () => {
    throw new Error('SecurityError');
  };
  const storage = new KeyStorage({ getItem: failing, setItem: failing, removeItem: failing });
  storage.write('sg-key');
  assert.equal(storage.read(), undefined);
  storage.clear();
});
